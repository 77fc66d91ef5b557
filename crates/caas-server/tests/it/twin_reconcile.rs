//! The car's digital twin end to end (issue 11 item 8): a feature switched
//! on behind the platform's back without entitlement gets exactly one
//! `feature.disable`; an entitled one switched off before its end gets
//! exactly one `feature.enable` with its `valid_until`; a plan comercial
//! feature switched off is never commanded (OTA-9); each correction is in
//! support's view of the car and the owner is told nothing.

use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::store::*;
use crate::support::twin::*;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use std::sync::Arc;

fn feature<'a>(car: &'a Value, code: &str) -> &'a Value {
    car["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("{code} installed: {car}"))
}

fn corrections_of<'a>(view: &'a Value, code: &str) -> Vec<&'a Value> {
    view["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["feature_code"] == code)
        .collect()
}

#[tokio::test]
async fn drift_either_way_gets_exactly_one_correction_and_a_plan_feature_is_never_commanded() {
    let clock = Arc::new(OffsetClock::default());
    let t = store_app_on(clock.clone()).await;
    let car = operational_car(&t, "teresa@example.test", "+34699000241").await;
    let staff = support_staff(&t, "soporte.twin@example.test").await;
    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(30)).await;
    let (status, b) = buy(&t, &car, "PREMIUM_AUDIO", &offer, "tok_test_ok").await;
    assert_eq!(status, 201, "{b}");
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    let p = wait_for(60, "active and captured", || async {
        let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
        (p["state"] == "ACTIVE" && p["payment_state"] == "CAPTURED").then_some(p)
    })
    .await;
    let ends: DateTime<Utc> = p["ends_at"].as_str().unwrap().parse().unwrap();
    // Past the settle grace of the purchase's last change.
    clock.advance(Duration::minutes(3));
    t.drain_jobs().await;
    let before = inbox(&t, &car.token).await.len();

    // Behind the platform's back: the paid option off, an unpaid one on,
    // a plan comercial option off.
    flip(&t, &car.vin, "PREMIUM_AUDIO", false).await;
    flip(&t, &car.vin, "TOW_HITCH", true).await;
    flip(&t, &car.vin, "HEAT_PUMP", false).await;

    let view_url = t.url(&format!("/api/v1/support/vehicles/{}", car.vehicle_id));
    let view = wait_for(60, "both corrections answered", || async {
        let v = get_json(&view_url, Some(&staff)).await;
        let done = |code: &str| {
            corrections_of(&v, code)
                .iter()
                .any(|c| c["status"] == "succeeded")
        };
        (done("PREMIUM_AUDIO") && done("TOW_HITCH")).then_some(v)
    })
    .await;
    let sim_car = fleet_vehicle(&t, &car.vin).await;
    assert_eq!(
        feature(&sim_car, "TOW_HITCH")["enabled"],
        false,
        "{sim_car}"
    );
    let audio = feature(&sim_car, "PREMIUM_AUDIO");
    assert_eq!(audio["enabled"], true, "{sim_car}");
    let until: DateTime<Utc> = audio["valid_until"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        until.timestamp(),
        ends.timestamp(),
        "re-enabled until the paid end"
    );
    assert_eq!(
        feature(&sim_car, "HEAT_PUMP")["enabled"],
        false,
        "the plan feature is left as the car has it"
    );

    // Another report of the corrected car: nothing more is sent.
    let seq_before = view["seq"].as_i64().unwrap();
    report_now(&t, &car.vin).await;
    wait_for(30, "the next report applied", || async {
        let v = get_json(&view_url, Some(&staff)).await;
        (v["seq"].as_i64().unwrap_or(0) > seq_before).then_some(())
    })
    .await;
    t.drain_jobs().await;
    let view = get_json(&view_url, Some(&staff)).await;
    let audio = corrections_of(&view, "PREMIUM_AUDIO");
    let tow = corrections_of(&view, "TOW_HITCH");
    assert_eq!(audio.len(), 1, "one enable: {view}");
    assert_eq!(audio[0]["action"], "enable");
    assert_eq!(tow.len(), 1, "one disable: {view}");
    assert_eq!(tow[0]["action"], "disable");
    for plan in ["HEAT_PUMP", "DRIVER_ASSIST"] {
        assert!(
            corrections_of(&view, plan).is_empty(),
            "{plan} never corrected: {view}"
        );
    }
    assert_eq!(view["corrections"].as_array().unwrap().len(), 2, "{view}");
    let sim_car = fleet_vehicle(&t, &car.vin).await;
    let disables = sim_car["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "feature.disable")
        .count();
    assert_eq!(disables, 1, "the car received one disable: {sim_car}");
    let desired: Vec<(&str, &str)> = view["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["desired"].as_str().unwrap()))
        .collect();
    assert!(
        desired.contains(&("PREMIUM_AUDIO", "enabled")),
        "{desired:?}"
    );
    assert!(desired.contains(&("TOW_HITCH", "disabled")), "{desired:?}");
    assert!(
        !desired.iter().any(|(c, _)| *c == "HEAT_PUMP"),
        "a plan feature is not an option of the twin: {desired:?}"
    );
    assert_eq!(
        inbox(&t, &car.token).await.len(),
        before,
        "corrections tell the owner nothing: {}",
        json!(inbox(&t, &car.token).await)
    );
}
