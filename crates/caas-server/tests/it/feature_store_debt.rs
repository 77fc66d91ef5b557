//! A capture that fails after the car confirmed (PAY-9, SPEC §4.2 ACTIVE):
//! the card's authorisation lapsed while the car was slow to answer, so the
//! gateway refuses the capture — the feature stays on, the purchase records
//! a debt for finance, and nobody tries to charge the card a second time.

use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::store::*;
use serde_json::json;

#[tokio::test]
async fn an_authorisation_that_lapses_before_the_car_confirms_leaves_the_feature_on_and_a_debt() {
    let t = store_app().await;
    let car = operational_car(&t, "rosa@example.test", "+34699000401").await;
    // The simulated gateway lets this card's authorisation lapse after a
    // second; the car takes three to answer.
    fleet_faults(&t, &car.vin, json!({"final_delay_ms": 3000})).await;
    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(30)).await;
    let (status, b) = buy(&t, &car, "PREMIUM_AUDIO", &offer, "tok_test_auth_expires").await;
    assert_eq!(status, 201, "{b}");
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();

    wait_for_purchase(&t, &car, &id, "ACTIVE", 60).await;
    let p = wait_for(30, "the capture's outcome", || async {
        let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
        (p["payment_state"] != "AUTHORIZED").then_some(p)
    })
    .await;
    assert_eq!(p["payment_state"], "DEBT", "{p}");
    assert_eq!(p["state"], "ACTIVE", "the service stays on: {p}");

    let sim_car = fleet_vehicle(&t, &car.vin).await;
    let f = sim_car["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "PREMIUM_AUDIO")
        .cloned()
        .unwrap();
    assert_eq!(f["enabled"], true, "{sim_car}");
    let disables = sim_car["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "feature.disable")
        .count();
    assert_eq!(disables, 0, "nothing switched off: {sim_car}");

    // Let any retry that would try again run, then read the gateway's books.
    t.drain_jobs().await;
    let rec = gateway_for_purchase(&t, &id).await;
    assert_eq!(rec["intent"]["amount_received"], 0, "never charged: {rec}");
    assert_eq!(rec["confirms"], 1, "authorised once, never again: {rec}");
    assert_eq!(
        rec["intent"]["cancellation_reason"], "authorization_expired",
        "{rec}"
    );
}
