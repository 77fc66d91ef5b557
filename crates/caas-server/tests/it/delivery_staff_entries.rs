//! Staff entries for legs without a partner feed (DLV-1, DLV-4/5): the
//! factory leg's embarkation when the factory does not report its dispatch,
//! and every home-delivery step when the carrier sends no webhooks. The
//! order moves exactly as the partners' events would move it.

use crate::support::app::TestApp;

use crate::support::delivery::*;
use crate::support::journey::*;
use chrono::{Duration, Utc};
use serde_json::{json, Value};

async fn entry(t: &TestApp, seller: &str, order: &str, body: Value) -> (u16, Value) {
    staff_post(t, seller, order, "delivery-entries", body).await
}

fn window(from_h: i64) -> (String, String) {
    let s = Utc::now() + Duration::hours(from_h);
    (s.to_rfc3339(), (s + Duration::hours(2)).to_rfc3339())
}

#[tokio::test]
async fn without_a_carrier_feed_staff_entries_take_the_car_to_the_customers_door() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, "vera@concesionario.test").await;
    let (order, token, _vin) =
        at_dealership(&t, &seller, &sale_body("rita@example.test", "+34699000301")).await;
    let carrier = t.sims.clone().unwrap().carrier;
    sim_scenario(&carrier, json!({"pause_timeline": true})).await;
    pay_final(&t, &token, &order, "tok_test_ok", "a1").await;
    wait_for_state(&t, &token, &order, "REGISTERED", "delivery_booked", 60).await;

    let (status, v) = entry(&t, &seller, &order, json!({"entry": "arrived"})).await;
    assert_eq!(status, 409, "nothing embarked yet: {v}");
    let (s1, e1) = window(1);
    let (status, bad) = entry(
        &t,
        &seller,
        &order,
        json!({"entry": "embarked", "window_start": e1, "window_end": s1}),
    )
    .await;
    assert_eq!(status, 422, "a window that ends before it starts: {bad}");
    let body = json!({"entry": "embarked", "window_start": s1, "window_end": e1});
    let (status, o) = entry(&t, &seller, &order, body).await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("OUT_FOR_DELIVERY")),
        "{o}"
    );
    let (status, _) = entry(
        &t,
        &seller,
        &order,
        json!({"entry": "phone", "reached": false}),
    )
    .await;
    assert_eq!(status, 409, "no failed attempt to call about yet");
    for body in [
        json!({"entry": "arrived"}),
        json!({"entry": "not_delivered", "outcome": "customer_absent"}),
    ] {
        let (status, o) = entry(&t, &seller, &order, body).await;
        assert_eq!(
            (status, o["state"].as_str()),
            (200, Some("OUT_FOR_DELIVERY")),
            "{o}"
        );
    }
    let (s2, e2) = window(26);
    let body = json!({"entry": "phone", "reached": true, "window_start": s2, "window_end": e2});
    let (status, o) = entry(&t, &seller, &order, body).await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("REGISTERED")),
        "{o}"
    );
    assert_eq!(
        o["delivery"]["home"]["attempts"][0]["outcome"],
        "rescheduled"
    );
    assert_eq!(
        o["delivery"]["home"]["attempts"][0]["handover_outcome"],
        "customer_absent"
    );

    let body = json!({"entry": "embarked", "window_start": s2, "window_end": e2});
    assert_eq!(entry(&t, &seller, &order, body).await.0, 200);
    assert_eq!(
        entry(&t, &seller, &order, json!({"entry": "arrived"}))
            .await
            .0,
        200
    );
    let wrong =
        json!({"entry": "delivered", "receiver_name": "Otro", "document_number": "87654321X"});
    let (status, v) = entry(&t, &seller, &order, wrong).await;
    assert_eq!(status, 422, "only to the buyer: {v}");
    let right =
        json!({"entry": "delivered", "receiver_name": "Rita", "document_number": "12345678-z"});
    let (status, o) = entry(&t, &seller, &order, right).await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("DELIVERED")),
        "{o}"
    );
    let home = &o["delivery"]["home"];
    assert_eq!(home["attempts"].as_array().unwrap().len(), 2, "{home}");
    assert_eq!(home["attempts"][1]["outcome"], "delivered");
    assert!(home["attempts"][1]["arrived_at"].is_string());
    assert_eq!(home["handover"]["place"], "home");
    assert_eq!(home["handover"]["document_last4"], "678Z");

    // The customer sees the steps as if the carrier had reported them.
    let e = expediente(&t, &token, &order).await;
    let kinds: Vec<&str> = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["kind"].as_str())
        .collect();
    for k in [
        "staff.embarked",
        "staff.not_delivered",
        "staff.phone_agreed",
        "staff.delivered",
    ] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    let scheduled = inbox(&t, &token)
        .await
        .iter()
        .filter(|n| n["event"] == "delivery_scheduled")
        .count();
    assert!(scheduled >= 2, "told of both windows: {scheduled}");
    check_invariants(&t).await;
}

#[tokio::test]
async fn staff_record_the_factory_leg_when_the_factory_does_not_report_its_dispatch() {
    let t = delivery_app(|_| {}).await;
    let sims = t.sims.clone().unwrap();
    sim_scenario(&sims.factory, json!({"pause_timeline": true})).await;
    let seller = seller(&t, "vera@concesionario.test").await;
    let (order, token) = sold_to(&t, &seller, "sara@example.test", "+34699000302").await;
    pay_senal_at_dealership(&t, &seller, &order).await;
    wait_for_staff_state(&t, &seller, &order, "ORDERED", 30).await;

    let bad = json!({"entry": "factory_embarked", "carrier": "TransNorte", "origin": "Planta Vigo", "vin": "IOQ12345678901234"});
    let (status, v) = entry(&t, &seller, &order, bad).await;
    assert_eq!(status, 422, "{v}");
    let (status, _) = entry(
        &t,
        &seller,
        &order,
        json!({"entry": "embarked", "window_start": window(1).0, "window_end": window(1).1}),
    )
    .await;
    assert_eq!(status, 409, "no home delivery before the dealership");
    let body = json!({"entry": "factory_embarked", "carrier": "TransNorte", "origin": "Planta Vigo", "vin": "wvwzzz1jzxw000001"});
    let (status, o) = entry(&t, &seller, &order, body).await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("IN_TRANSIT_TO_DEALERSHIP")),
        "{o}"
    );
    assert_eq!(o["vin"], "WVWZZZ1JZXW000001", "{o}");
    let e = wait_for_timeline(&t, &token, &order, "staff.factory_embarked", 10).await;
    let rec = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "staff.factory_embarked")
        .unwrap()
        .clone();
    assert_eq!(rec["data"]["entry"]["origin"], "Planta Vigo", "{rec}");
    assert!(inbox(&t, &token)
        .await
        .iter()
        .any(|n| n["event"] == "manufacturing_milestone"));

    // The reception works with the VIN staff entered.
    let (status, o) = staff_post(&t, &seller, &order, "reception", json!({})).await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("AWAITING_FINAL_PAYMENT")),
        "{o}"
    );
    check_invariants(&t).await;
}
