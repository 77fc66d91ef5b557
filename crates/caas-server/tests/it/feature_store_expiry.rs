//! The end of a time-limited period (SVC-10, OTA-8): the car switches the
//! feature off by itself at `valid_until` and the purchase ends EXPIRED on
//! its report; a car that still reports it on after the grace period gets
//! one `feature.disable`; the owner is reminded before the end and told at
//! the end; nothing more is charged.

use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::store::*;
use chrono::Duration;
use serde_json::json;
use std::sync::Arc;

#[tokio::test]
async fn a_week_pass_ends_expired_the_car_is_switched_off_and_the_owner_is_reminded_then_told() {
    let clock = Arc::new(OffsetClock::default());
    let t = store_app_on(clock.clone()).await;
    let car = operational_car(&t, "ximena@example.test", "+34699000231").await;
    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(7)).await;
    let (_, b) = buy(&t, &car, "PREMIUM_AUDIO", &offer, "tok_test_ok").await;
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    wait_for(60, "active and captured", || async {
        let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
        (p["state"] == "ACTIVE" && p["payment_state"] == "CAPTURED").then_some(p)
    })
    .await;

    // Three days before the end (the default window) the owner is reminded.
    clock.advance(Duration::days(4) + Duration::minutes(1));
    wait_for(60, "the expiry reminder", || async {
        let notes = inbox(&t, &car.token).await;
        notes
            .iter()
            .any(|n| n["event"] == "service_expiring")
            .then_some(())
    })
    .await;

    // The end and a few minutes by our clock: the car (on real time)
    // still has it on, so after the grace period it is told to switch off.
    clock.advance(Duration::days(3) + Duration::minutes(5));
    let p = wait_for_purchase(&t, &car, &id, "EXPIRED", 60).await;
    let kinds: Vec<&str> = p["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"feature.disable"), "{kinds:?}");
    let sim_car = fleet_vehicle(&t, &car.vin).await;
    let f = sim_car["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "PREMIUM_AUDIO")
        .unwrap();
    assert_eq!(f["enabled"], false, "{sim_car}");
    assert_eq!(p["payment_state"], "CAPTURED", "charged once, nothing more");
    let notes = inbox(&t, &car.token).await;
    let at = |event: &str| {
        notes
            .iter()
            .find(|n| n["event"] == event)
            .and_then(|n| n["created_at"].as_str())
            .and_then(|s| s.parse::<chrono::DateTime<chrono::Utc>>().ok())
            .unwrap_or_else(|| panic!("the owner got {event}: {}", json!(notes)))
    };
    assert!(
        at("service_expiring") < at("service_expired"),
        "reminded before the expiry notice: {}",
        json!(notes)
    );
}
