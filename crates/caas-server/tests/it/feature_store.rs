//! The feature store end to end over real sockets (SPEC §4.2, PAY-7/8,
//! OTA-4..6): an operational car's owner buys an option through the API;
//! the gateway simulator authorises with manual capture, the fleet
//! simulator switches the feature on over MQTT, and money moves only when
//! the car confirms. Every figure is read back from the simulators' own
//! records.

use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::store::*;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

fn enable_commands(car: &Value) -> Vec<Value> {
    car["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "feature.enable")
        .cloned()
        .collect()
}

fn feature<'a>(car: &'a Value, code: &str) -> &'a Value {
    car["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("{code} installed: {car}"))
}

#[tokio::test]
async fn an_owner_buys_30_days_the_car_switches_it_on_and_the_authorisation_is_captured_once() {
    let t = store_app().await;
    let car = operational_car(&t, "olga@example.test", "+34699000201").await;
    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(30)).await;

    let (status, q) = post_json(
        &t.url(&format!(
            "/api/v1/vehicles/{}/purchases/quote",
            car.vehicle_id
        )),
        Some(&car.token),
        &json!({"option_code": "PREMIUM_AUDIO", "offer_id": offer}),
    )
    .await;
    assert_eq!(status, 200, "{q}");
    assert_eq!(
        q["withdrawal"]["rule"], "first_days_after_activation",
        "{q}"
    );

    let (status, b) = buy(&t, &car, "PREMIUM_AUDIO", &offer, "tok_test_ok").await;
    assert_eq!(status, 201, "{b}");
    let id = b["accepted"][0]["id"]
        .as_str()
        .expect("a purchase")
        .to_owned();
    wait_for_purchase(&t, &car, &id, "ACTIVE", 60).await;
    let purchase = wait_for(30, "captured", || async {
        let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
        (p["payment_state"] == "CAPTURED").then_some(p)
    })
    .await;

    let sim_car = fleet_vehicle(&t, &car.vin).await;
    assert_eq!(
        enable_commands(&sim_car).len(),
        1,
        "exactly one enable command: {sim_car}"
    );
    let f = feature(&sim_car, "PREMIUM_AUDIO");
    assert_eq!(f["enabled"], true);
    let until: DateTime<Utc> = f["valid_until"].as_str().unwrap().parse().unwrap();
    let ahead = until - Utc::now();
    assert!(
        ahead > Duration::days(29) && ahead <= Duration::days(30),
        "valid_until {until}"
    );

    assert_eq!(
        purchase["commands"][0]["command_id"],
        enable_commands(&sim_car)[0]["command_id"],
        "the purchase logs the command the car received"
    );
    assert!(purchase["withdrawal"]["deadline"].is_string(), "{purchase}");
    let rec = gateway_for_purchase(&t, &id).await;
    assert_eq!(rec["intent"]["capture_method"], "manual");
    assert_eq!(
        rec["intent"]["amount_received"], purchase["price"]["minor"],
        "{rec}"
    );
    assert_eq!(rec["confirms"], 1, "authorised once");
    assert_eq!(rec["intent"]["status"], "succeeded");
}

#[tokio::test]
async fn a_hardware_fault_ends_failed_not_charged_with_the_authorisation_voided() {
    let t = store_app().await;
    let car = operational_car(&t, "pablo@example.test", "+34699000202").await;
    let offer = offer_id(&t, &car, "ENTERTAINMENT_PACK", Some(7)).await;
    fleet_faults(&t, &car.vin, json!({"fail_next": 1})).await;
    let (status, b) = buy(&t, &car, "ENTERTAINMENT_PACK", &offer, "tok_test_ok").await;
    assert_eq!(status, 201, "{b}");
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    let p = wait_for_purchase(&t, &car, &id, "FAILED_NOT_CHARGED", 60).await;
    assert_eq!(p["attempts"], 1, "hardware_fault is not retried: {p}");
    let kinds: Vec<&str> = p["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["feature.enable", "state.query"],
        "the car was asked before failing"
    );
    let rec = wait_for(30, "voided", || async {
        let r = gateway_for_purchase(&t, &id).await;
        (r["intent"]["status"] == "canceled").then_some(r)
    })
    .await;
    assert_eq!(rec["intent"]["cancellation_reason"], "activation_failed");
    assert_eq!(rec["intent"]["amount_received"], 0);
    let sim_car = fleet_vehicle(&t, &car.vin).await;
    assert_eq!(feature(&sim_car, "ENTERTAINMENT_PACK")["enabled"], false);
}

#[tokio::test]
async fn a_busy_car_is_retried_with_a_new_command_and_then_charged() {
    let t = store_app().await;
    let car = operational_car(&t, "rosa@example.test", "+34699000203").await;
    let offer = offer_id(&t, &car, "PANORAMIC_ROOF", Some(1)).await;
    fleet_faults(
        &t,
        &car.vin,
        json!({"reject_next": [{"code": "vehicle_busy", "count": 1, "types": ["feature.enable"]}]}),
    )
    .await;
    let (_, b) = buy(&t, &car, "PANORAMIC_ROOF", &offer, "tok_test_ok").await;
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    let p = wait_for_purchase(&t, &car, &id, "ACTIVE", 60).await;
    assert_eq!(p["attempts"], 2, "{p}");
    let sim_car = fleet_vehicle(&t, &car.vin).await;
    let enables = enable_commands(&sim_car);
    assert_eq!(enables.len(), 2, "{sim_car}");
    assert_ne!(
        enables[0]["command_id"], enables[1]["command_id"],
        "a new id after a final reply"
    );
    assert_eq!(enables[0]["error_code"], "vehicle_busy");
    assert_eq!(feature(&sim_car, "PANORAMIC_ROOF")["enabled"], true);
}

#[tokio::test]
async fn a_declined_card_sends_no_command_and_another_owner_sees_nothing() {
    let t = store_app().await;
    let car = operational_car(&t, "sara@example.test", "+34699000204").await;
    let offer = offer_id(&t, &car, "ADAPTIVE_LIGHTS", Some(7)).await;
    let (_, b) = buy(
        &t,
        &car,
        "ADAPTIVE_LIGHTS",
        &offer,
        "tok_test_decline_insufficient_funds",
    )
    .await;
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    let p = wait_for_purchase(&t, &car, &id, "PAYMENT_DECLINED", 60).await;
    assert_eq!(p["commands"].as_array().unwrap().len(), 0, "{p}");
    assert!(enable_commands(&fleet_vehicle(&t, &car.vin).await).is_empty());

    // The same option again while one is in progress is refused, item by item.
    let offer30 = offer_id(&t, &car, "ADAPTIVE_LIGHTS", Some(30)).await;
    let (status, b) = post_json(
        &t.url(&format!("/api/v1/vehicles/{}/purchases", car.vehicle_id)),
        Some(&car.token),
        &json!({"items": [{"option_code": "HEAT_PUMP", "offer_id": offer30}], "payment_method": "tok_test_ok"}),
    )
    .await;
    assert_eq!(status, 201, "{b}");
    assert_eq!(b["accepted"].as_array().unwrap().len(), 0);
    assert_eq!(b["refused"][0]["code"], "option_not_offered", "{b}");

    let seller = seller(&t, "otro.vendedor@example.test").await;
    register_sale(
        &t,
        &seller,
        &sale_body("intruso@example.test", "+34699000299"),
    )
    .await;
    t.activate("intruso@example.test", crate::support::journey::PW)
        .await;
    let stranger = t
        .api_token("intruso@example.test", crate::support::journey::PW)
        .await;
    for path in [
        format!("/api/v1/purchases/{id}"),
        format!("/api/v1/vehicles/{}/purchases", car.vehicle_id),
    ] {
        let resp = reqwest::Client::new()
            .get(t.url(&path))
            .bearer_auth(&stranger)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 404, "{path}");
    }
    let (status, _) = post_json(
        &t.url(&format!("/api/v1/vehicles/{}/purchases", car.vehicle_id)),
        Some(&stranger),
        &json!({"items": [{"option_code": "ADAPTIVE_LIGHTS", "offer_id": offer30}], "payment_method": "tok_test_ok"}),
    )
    .await;
    assert_eq!(status, 404, "a stranger cannot buy for the car");
}
