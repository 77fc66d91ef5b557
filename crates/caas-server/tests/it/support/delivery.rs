//! Helpers of the delivery journeys: an app with every simulator fast, an
//! order driven to the dealership, staff actions, the final payment, the
//! carrier's plan for a VIN, and the invariants checked after each test.

use super::app::*;
use super::journey::*;
use caas_domain::clock::SystemClock;
use caas_domain::order::OrderState;
use caas_domain::payment::{PaymentKind, PaymentState};
use serde_json::{json, Value};
use std::sync::Arc;

/// An app whose factory, carrier and payments run in milliseconds.
pub async fn delivery_app(tweak: impl FnOnce(&mut caas_server::config::Config)) -> TestApp {
    spawn_app_with(
        move |c| {
            c.sim_factory_step_ms = 40;
            c.sim_fast_payments = true;
            c.sim_retry_speedup = 1000.0;
            c.factory_gap_wait_secs = 1;
            c.delivery.sim_carrier_step_ms = 60;
            c.delivery.carrier_gap_wait_secs = 1;
            c.delivery.fleet_command_wait_secs = 5;
            tweak(c);
        },
        Arc::new(SystemClock),
    )
    .await
}

/// A sale paid and built, received at the dealership: returns (order, customer token, VIN).
pub async fn at_dealership(t: &TestApp, seller: &str, body: &Value) -> (String, String, String) {
    let email = body["email"].as_str().unwrap().to_owned();
    let order = register_sale(t, seller, body).await;
    t.activate(&email, PW).await;
    let token = t.api_token(&email, PW).await;
    pay_senal_at_dealership(t, seller, &order).await;
    let e = wait_for_timeline(t, &token, &order, "factory.vehicle_available", 60).await;
    let vin = e["order"]["vin"].as_str().expect("VIN known").to_owned();
    let (status, o) = post_json(
        &t.url(&format!("/api/v1/sales/{order}/reception")),
        Some(seller),
        &json!({"notes": "sin daños"}),
    )
    .await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("AWAITING_FINAL_PAYMENT")),
        "{o}"
    );
    (order, token, vin)
}

/// Pays the final payment online with `method`.
pub async fn pay_final(
    t: &TestApp,
    token: &str,
    order: &str,
    method: &str,
    attempt: &str,
) -> (u16, Value) {
    post_json(
        &t.url(&format!("/api/v1/orders/{order}/final-payment")),
        Some(token),
        &json!({"payment_method": method, "attempt_key": attempt}),
    )
    .await
}

/// Sets the carrier's plan for the next booking of `vin`.
pub async fn carrier_plan(t: &TestApp, vin: &str, plan: &str) {
    let sims = t.sims.clone().unwrap();
    sim_scenario(&sims.carrier, json!({"plans_by_vin": {vin: plan}})).await;
}

/// Staff action `POST /api/v1/sales/{order}/{action}`.
pub async fn staff_post(
    t: &TestApp,
    token: &str,
    order: &str,
    action: &str,
    body: Value,
) -> (u16, Value) {
    post_json(
        &t.url(&format!("/api/v1/sales/{order}/{action}")),
        Some(token),
        &body,
    )
    .await
}

/// The §4.1 invariants over the whole database: no REGISTERED (or later)
/// order without a settled final payment; a sin asignar vehicle has no
/// customer and no live keys; every finished delivery attempt ended
/// delivered, rescheduled or returned (only the last may be under way).
pub async fn check_invariants(t: &TestApp) {
    let mut tx = t.app.store.read().await.unwrap();
    let orders = tx.list_orders(None, 10_000).await.unwrap();
    for o in &orders {
        let registered_or_later = matches!(
            o.state,
            OrderState::Registered
                | OrderState::OutForDelivery
                | OrderState::ReturningToDealership
                | OrderState::HeldAtDealership
                | OrderState::Delivered
                | OrderState::Operational
        );
        if registered_or_later {
            let pays = tx.list_payments_for_order(&o.id).await.unwrap();
            assert!(
                pays.iter()
                    .any(|p| p.kind == PaymentKind::Final && p.state == PaymentState::Settled),
                "order {} is {} without a settled final payment",
                o.id,
                o.state.as_str()
            );
        }
        let n = o.home.attempts.len();
        for (i, a) in o.home.attempts.iter().enumerate() {
            if i + 1 < n || !matches!(o.state, OrderState::OutForDelivery) {
                assert_ne!(
                    a.outcome,
                    caas_domain::order_delivery::AttemptOutcome::Pending,
                    "order {} attempt {} never ended",
                    o.id,
                    a.number
                );
            }
        }
        if let Some(vid) = &o.vehicle_id {
            let v = tx.find_vehicle(vid).await.unwrap().expect("vehicle row");
            if v.is_stock() {
                assert!(v.customer().is_none());
                assert_eq!(
                    v.live_keys().count(),
                    0,
                    "stock vehicle {} keeps keys",
                    v.vin
                );
            }
        }
    }
}

/// A phone's new key pair: the public half as base64 DER SPKI (what the app sends).
pub fn phone_public_key() -> String {
    use base64::Engine as _;
    use p256::elliptic_curve::sec1::ToEncodedPoint as _;
    let secret = p256::SecretKey::random(&mut rand::thread_rng());
    let point = secret.public_key().to_encoded_point(false);
    let mut der = vec![
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];
    der.extend_from_slice(point.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(der)
}

/// The fleet simulator's view of a vehicle.
pub async fn fleet_vehicle(t: &TestApp, vin: &str) -> Value {
    let url = t.sims.clone().unwrap().fleet.expect("fleet simulator");
    get_json(&format!("{url}/_sim/vehicles/{vin}"), None).await
}

/// Injects faults on a simulated vehicle.
pub async fn fleet_faults(t: &TestApp, vin: &str, body: Value) {
    let url = t.sims.clone().unwrap().fleet.expect("fleet simulator");
    let (status, v) = post_json(&format!("{url}/_sim/vehicles/{vin}/faults"), None, &body).await;
    assert!((200..300).contains(&status), "faults refused: {status} {v}");
}
