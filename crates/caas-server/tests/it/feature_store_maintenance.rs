//! The maintenance gate of the feature store against the VSS simulator
//! (MNT-3..5, MNT-8): an overdue block refuses only the option that depends
//! on it, naming the block, while another option on the same car is bought
//! and switched on; with VSS down and no copy, only linked options are
//! refused, with "try again later".

use crate::support::catalogue::{admin_token, send};
use crate::support::delivery::delivery_app;
use crate::support::journey::*;
use crate::support::store::*;
use serde_json::json;

#[tokio::test]
async fn an_overdue_block_refuses_only_the_option_that_depends_on_it_naming_the_block() {
    // Every car VSS has not seen has its battery block overdue; an
    // administrator makes POWER_PLUS_50 depend on the battery.
    let t = delivery_app(|c| {
        c.maintenance.sim_vss_unknown_vins = "overdue_battery".into();
    })
    .await;
    let admin = admin_token(&t).await;
    let resp = send(
        &t,
        &admin,
        reqwest::Method::PUT,
        "/api/v1/catalogue/options/POWER_PLUS_50/store",
        &json!({"iot_feature": "POWER_PLUS_50", "maintenance": {"blocks": ["battery"]}, "active": true}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let car = operational_car(&t, "tomas@example.test", "+34699000211").await;
    let linked = offer_id(&t, &car, "POWER_PLUS_50", Some(7)).await;
    let (status, q) = post_json(
        &t.url(&format!(
            "/api/v1/vehicles/{}/purchases/quote",
            car.vehicle_id
        )),
        Some(&car.token),
        &json!({"option_code": "POWER_PLUS_50", "offer_id": linked}),
    )
    .await;
    assert_eq!(
        (status, q["code"].as_str()),
        (409, Some("maintenance_required")),
        "{q}"
    );
    assert!(
        q["detail"].as_str().unwrap().contains("battery"),
        "names the block: {q}"
    );

    let (_, b) = buy(&t, &car, "POWER_PLUS_50", &linked, "tok_test_ok").await;
    let refused = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    let p = wait_for_purchase(&t, &car, &refused, "REJECTED", 30).await;
    assert_eq!(p["reason"], "maintenance_required:battery", "{p}");
    assert_eq!(p["payment_state"], "CREATED", "nothing authorised: {p}");

    let free = offer_id(&t, &car, "PREMIUM_AUDIO", Some(7)).await;
    let (_, b) = buy(&t, &car, "PREMIUM_AUDIO", &free, "tok_test_ok").await;
    let bought = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    wait_for_purchase(&t, &car, &bought, "ACTIVE", 60).await;
}

#[tokio::test]
async fn with_vss_down_only_maintenance_linked_options_are_refused_with_try_again_later() {
    let t = store_app().await;
    let vss = t.sims.clone().expect("simulators").vss;
    let (status, _) = post_json(
        &format!("{vss}/_sim/scenario"),
        None,
        &json!({"unavailable_next": 100000, "retry_after_secs": 1}),
    )
    .await;
    assert_eq!(status, 200);
    let car = operational_car(&t, "ursula@example.test", "+34699000212").await;
    let linked = offer_id(&t, &car, "POWER_PLUS_50", Some(7)).await;
    let (status, q) = post_json(
        &t.url(&format!(
            "/api/v1/vehicles/{}/purchases/quote",
            car.vehicle_id
        )),
        Some(&car.token),
        &json!({"option_code": "POWER_PLUS_50", "offer_id": linked}),
    )
    .await;
    assert_eq!(
        (status, q["code"].as_str()),
        (409, Some("maintenance_unknown")),
        "{q}"
    );
    let free = offer_id(&t, &car, "CLIMATE_PLUS", Some(1)).await;
    let (status, q) = post_json(
        &t.url(&format!(
            "/api/v1/vehicles/{}/purchases/quote",
            car.vehicle_id
        )),
        Some(&car.token),
        &json!({"option_code": "CLIMATE_PLUS", "offer_id": free}),
    )
    .await;
    assert_eq!(
        status, 200,
        "an option without maintenance is unaffected: {q}"
    );
}
