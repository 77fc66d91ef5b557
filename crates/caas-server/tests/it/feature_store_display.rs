//! The in-car display channel (SPEC §3.13 "Vehicle display", OTA-7): a
//! bought option's "activation in progress" and "service activated" reach
//! the car's own screen as `display.message` commands over MQTT, with their
//! delivery rows telling what the car answered; a car whose screen is off
//! shows them at the next ignition; a failed activation's notice is shown
//! best effort. Read back from the fleet simulator's own records.

use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::store::*;
use serde_json::{json, Value};

async fn ignition(t: &crate::support::app::TestApp, vin: &str, on: bool) {
    let url = t.sims.clone().unwrap().fleet.expect("fleet simulator");
    let (status, v) = post_json(
        &format!("{url}/_sim/vehicles/{vin}/ignition"),
        None,
        &json!({ "on": on }),
    )
    .await;
    assert_eq!(status, 200, "{v}");
}

/// The messages the simulated car received, as its simulator lists them.
async fn messages(t: &crate::support::app::TestApp, vin: &str) -> Vec<Value> {
    fleet_vehicle(t, vin).await["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn display_delivery(
    t: &crate::support::app::TestApp,
    car: &Car,
    event: &str,
    state: &str,
) -> Value {
    let note = wait_for_note(t, &car.token, 30, &format!("{event} {state}"), |n| {
        n["event"] == event && delivery(n, "display")["state"] == state
    })
    .await;
    delivery(&note, "display")
}

#[tokio::test]
async fn the_car_shows_activation_in_progress_and_then_service_activated_on_its_display() {
    let t = store_app().await;
    let car = operational_car(&t, "dora@example.test", "+34699000301").await;
    ignition(&t, &car.vin, true).await;
    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(30)).await;
    let (status, b) = buy(&t, &car, "PREMIUM_AUDIO", &offer, "tok_test_ok").await;
    assert_eq!(status, 201, "{b}");
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    wait_for_purchase(&t, &car, &id, "ACTIVE", 60).await;

    display_delivery(&t, &car, "activation_in_progress", "delivered").await;
    let activated = display_delivery(&t, &car, "service_activated", "delivered").await;
    assert!(
        activated.to_string().contains("shown on the car"),
        "{activated}"
    );

    let shown = messages(&t, &car.vin).await;
    let titles: Vec<&str> = shown
        .iter()
        .filter(|m| m["status"] == "displayed")
        .filter_map(|m| m["title"].as_str())
        .collect();
    assert_eq!(titles.len(), 2, "two messages shown: {shown:?}");
    assert!(titles.iter().all(|t| t.chars().count() <= 40), "{titles:?}");
    assert!(
        shown.iter().all(|m| m["language"] == "es"),
        "in the customer's language: {shown:?}"
    );
    // Each notification is one command, however often it was published.
    let car_view = fleet_vehicle(&t, &car.vin).await;
    let display_ids: std::collections::BTreeSet<&str> = car_view["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "display.message")
        .filter_map(|c| c["command_id"].as_str())
        .collect();
    assert_eq!(display_ids.len(), 2, "{car_view}");
}

#[tokio::test]
async fn a_car_with_its_screen_off_shows_the_message_at_the_next_ignition() {
    let t = store_app().await;
    let car = operational_car(&t, "ines@example.test", "+34699000302").await;
    ignition(&t, &car.vin, false).await;
    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(30)).await;
    let (status, b) = buy(&t, &car, "PREMIUM_AUDIO", &offer, "tok_test_ok").await;
    assert_eq!(status, 201, "{b}");
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    wait_for_purchase(&t, &car, &id, "ACTIVE", 60).await;

    display_delivery(&t, &car, "service_activated", "sent").await;
    assert!(
        messages(&t, &car.vin)
            .await
            .iter()
            .all(|m| m["status"] == "pending"),
        "nothing shown with the screen off"
    );

    ignition(&t, &car.vin, true).await;
    display_delivery(&t, &car, "service_activated", "delivered").await;
}

#[tokio::test]
async fn a_failed_activation_is_shown_on_the_display_as_a_warning() {
    let t = store_app().await;
    let car = operational_car(&t, "luz@example.test", "+34699000303").await;
    ignition(&t, &car.vin, true).await;
    fleet_faults(
        &t,
        &car.vin,
        json!({"reject_next": [{"code": "feature_not_installed", "count": 5, "types": ["feature.enable"]}]}),
    )
    .await;
    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(30)).await;
    let (status, b) = buy(&t, &car, "PREMIUM_AUDIO", &offer, "tok_test_ok").await;
    assert_eq!(status, 201, "{b}");
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    wait_for_purchase(&t, &car, &id, "FAILED_NOT_CHARGED", 60).await;

    display_delivery(&t, &car, "activation_failed", "delivered").await;
    let shown = messages(&t, &car.vin).await;
    assert!(
        shown
            .iter()
            .any(|m| m["severity"] == "warning" && m["status"] == "displayed"),
        "{shown:?}"
    );
}
