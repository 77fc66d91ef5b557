//! Cancelling a sale (SPEC §4.1, SALE-7): allowed before the señal, refused
//! once the factory holds the order, and refused while a señal payment's
//! outcome is still unknown (the card may be charged any moment).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "support/flow.rs"]
mod flow;

use caas_domain::clock::SystemClock;
use common::*;
use flow::*;
use serde_json::json;
use std::sync::Arc;

const SELLER: &str = "vera@concesionario.es";
const PHONE: &str = "+34699000001";

async fn app_with(tweak: impl FnOnce(&mut caas_server::config::Config)) -> TestApp {
    spawn_app_with(
        |c| {
            c.sim_factory_step_ms = 60;
            c.sim_fast_payments = true;
            c.sim_retry_speedup = 1000.0;
            tweak(c);
        },
        Arc::new(SystemClock),
    )
    .await
}

#[tokio::test]
async fn a_sale_can_be_cancelled_before_the_senal_but_not_once_the_factory_has_the_order() {
    let t = app_with(|c| c.sim_factory_step_ms = 60_000).await;
    let sims = t.sims.clone().unwrap();
    let seller = seller(&t, SELLER).await;

    let unpaid = register_sale(&t, &seller, &sale_body("pia@example.com", PHONE)).await;
    let (status, o) = post_json(
        &t.url(&format!("/api/v1/sales/{unpaid}/cancel")),
        Some(&seller),
        &json!({}),
    )
    .await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("CANCELLED")),
        "{o}"
    );
    let e = staff_view(&t, &seller, &unpaid).await;
    assert!(
        e["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "sale_cancelled"),
        "{e}"
    );
    let (status, _) = post_json(
        &t.url(&format!("/api/v1/sales/{unpaid}/senal")),
        Some(&seller),
        &json!({"payment_method": "tok_test_ok", "attempt_key": "after-cancel"}),
    )
    .await;
    assert_eq!(status, 409, "a cancelled sale takes no señal");
    assert_eq!(sim_stats(&sims.payments).await["intents_created"], 0);

    let placed = register_sale(&t, &seller, &sale_body("rui@example.com", PHONE)).await;
    pay_senal_at_dealership(&t, &seller, &placed).await;
    wait_for_staff_state(&t, &seller, &placed, "ORDERED", 20).await;
    let (status, _) = post_json(
        &t.url(&format!("/api/v1/sales/{placed}/cancel")),
        Some(&seller),
        &json!({}),
    )
    .await;
    assert_eq!(status, 409);
    let e = staff_view(&t, &seller, &placed).await;
    assert_eq!(e["order"]["state"], "ORDERED");
    assert!(!e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["kind"] == "sale_cancelled"));
}

#[tokio::test]
async fn a_sale_whose_senal_is_still_processing_cannot_be_cancelled_and_the_charge_is_honoured() {
    let t = app_with(|_| {}).await;
    let sims = t.sims.clone().unwrap();
    sim_scenario(&sims.factory, json!({"pause_timeline": true})).await;
    // The gateway does not answer the first calls: the outcome stays unknown for seconds.
    sim_scenario(&sims.payments, json!({"unavailable_for_next_requests": 3})).await;
    let seller = seller(&t, SELLER).await;
    let order = register_sale(&t, &seller, &sale_body("sara@example.com", PHONE)).await;
    let (status, p) = post_json(
        &t.url(&format!("/api/v1/sales/{order}/senal")),
        Some(&seller),
        &json!({"payment_method": "tok_test_ok", "attempt_key": "no-answer"}),
    )
    .await;
    assert_eq!(
        (status, p["state"].as_str()),
        (200, Some("CREATED")),
        "the outcome is not known yet: {p}"
    );
    let (status, v) = post_json(
        &t.url(&format!("/api/v1/sales/{order}/cancel")),
        Some(&seller),
        &json!({}),
    )
    .await;
    assert_eq!(status, 409, "the card may be charged any moment: {v}");
    let e = wait_for_staff_state(&t, &seller, &order, "ORDERED", 30).await;
    assert_eq!(e["payments"][0]["state"], "CAPTURED", "{e}");
    assert_eq!(sim_stats(&sims.payments).await["captures"], 1);
}
