//! Cancelling a sale (SPEC §4.1, SALE-7): allowed before the señal, refused
//! once the factory holds the order, and refused while a señal payment's
//! outcome is still unknown (the card may be charged any moment).

use crate::support::app::*;
use crate::support::journey::*;
use caas_domain::clock::SystemClock;
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
    assert_eq!(v["code"], "senal_in_flight", "{v}");
    assert!(
        v["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("señal is being paid"),
        "{v}"
    );
    let e = wait_for_staff_state(&t, &seller, &order, "ORDERED", 30).await;
    assert_eq!(e["payments"][0]["state"], "CAPTURED", "{e}");
    assert_eq!(sim_stats(&sims.payments).await["captures"], 1);
}

#[tokio::test]
async fn a_sale_whose_factory_order_was_refused_is_cancelled_with_its_senal_refunded_once_and_the_customer_told(
) {
    let t = app_with(|_| {}).await;
    let sims = t.sims.clone().unwrap();
    let violation = json!({"code": "option_combination_invalid", "field": "option_codes", "conflicting_codes": ["HEAT_PUMP", "DRIVER_ASSIST"]});
    sim_scenario(
        &sims.factory,
        json!({"pause_timeline": true, "reject_next": [violation]}),
    )
    .await;
    let seller = seller(&t, SELLER).await;
    let (order, token) = sold_to(&t, &seller, "tomas@example.com", PHONE).await;
    pay_senal_at_dealership(&t, &seller, &order).await;
    wait_for_staff_state(&t, &seller, &order, "ORDER_REJECTED", 20).await;

    let cancel = t.url(&format!("/api/v1/sales/{order}/cancel"));
    let (status, o) = post_json(&cancel, Some(&seller), &json!({})).await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("CANCELLED")),
        "{o}"
    );
    let e = wait_for_timeline(&t, &token, &order, "senal_refunded", 30).await;
    let refunded = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "senal_refunded")
        .unwrap()
        .clone();
    assert_eq!(refunded["data"]["amount"]["minor"], 200_000, "{refunded}");
    let (status, _) = post_json(&cancel, Some(&seller), &json!({})).await;
    assert_eq!(status, 409, "a cancelled sale is not cancelled again");
    let pay = sim_stats(&sims.payments).await;
    assert_eq!(pay["refunds"], 1, "the señal is refunded once: {pay}");

    let notes = wait_for(20, "the refund notice", || async {
        let notes = inbox(&t, &token).await;
        notes
            .iter()
            .any(|n| n["event"] == "refund_done")
            .then_some(notes)
    })
    .await;
    let count = |event: &str| notes.iter().filter(|n| n["event"] == event).count();
    assert_eq!(
        (count("sale_cancelled"), count("refund_done")),
        (1, 1),
        "{notes:?}"
    );
    let told = notes
        .iter()
        .find(|n| n["event"] == "sale_cancelled")
        .unwrap();
    assert!(
        told["body"].as_str().unwrap().contains("señal"),
        "the notice tells of the refund: {told}"
    );
    assert_eq!(delivery(told, "email")["channel"], "email", "{told}");
}
