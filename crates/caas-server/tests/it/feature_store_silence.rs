//! The IoT contract's silence rules in the purchase saga (iot-api.md
//! "Timeouts and retries", OTA-4, OTA-6): an offline car's command waits in
//! the broker and the purchase is never declared failed meanwhile; a car
//! whose replies are lost is confirmed by its own state report; both end
//! ACTIVE and captured exactly once.

use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::store::*;
use serde_json::json;

async fn sim_post(t: &crate::support::app::TestApp, path: &str) {
    let url = t.sims.clone().unwrap().fleet.expect("fleet simulator");
    let (status, v) = post_json(&format!("{url}{path}"), None, &json!({})).await;
    assert!((200..300).contains(&status), "{path}: {status} {v}");
}

#[tokio::test]
async fn an_offline_car_is_waited_for_and_charged_once_when_it_comes_back() {
    let t = store_app().await;
    let car = operational_car(&t, "vicente@example.test", "+34699000221").await;
    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(7)).await;
    sim_post(&t, &format!("/_sim/vehicles/{}/offline", car.vin)).await;
    let (_, b) = buy(&t, &car, "PREMIUM_AUDIO", &offer, "tok_test_ok").await;
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    wait_for_purchase(&t, &car, &id, "ACTIVATING", 30).await;
    tokio::time::sleep(std::time::Duration::from_secs(12)).await;
    let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
    assert_eq!(
        p["state"], "ACTIVATING",
        "still waiting for the car, not failed: {p}"
    );
    assert_eq!(p["payment_state"], "AUTHORIZED", "{p}");

    sim_post(&t, &format!("/_sim/vehicles/{}/online", car.vin)).await;
    let p = wait_for_purchase(&t, &car, &id, "ACTIVE", 60).await;
    assert_eq!(p["attempts"], 1, "{p}");
    let sim_car = fleet_vehicle(&t, &car.vin).await;
    let enables = sim_car["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "feature.enable")
        .count();
    assert_eq!(enables, 1, "one command id, republished at most: {sim_car}");
}

#[tokio::test]
async fn a_car_whose_replies_are_lost_is_confirmed_by_its_state_report() {
    let t = store_app().await;
    let car = operational_car(&t, "wendy@example.test", "+34699000222").await;
    let offer = offer_id(&t, &car, "CLIMATE_PLUS", Some(1)).await;
    fleet_faults(&t, &car.vin, json!({"drop_replies_next": 1})).await;
    let (_, b) = buy(&t, &car, "CLIMATE_PLUS", &offer, "tok_test_ok").await;
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    let p = wait_for_purchase(&t, &car, &id, "ACTIVE", 60).await;
    assert_eq!(p["attempts"], 1, "{p}");
    assert_eq!(
        p["commands"][0]["status"],
        serde_json::Value::Null,
        "no reply ever came: {p}"
    );
    let p = wait_for(30, "captured", || async {
        let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
        (p["payment_state"] == "CAPTURED").then_some(p)
    })
    .await;
    assert_eq!(p["state"], "ACTIVE");
}
