//! The señal policy `refunded` (PAY-5): a lost reservation refunds the
//! señal through the gateway exactly once, and the customer sees it; a
//! refund the gateway fails raises a staff alert.

use crate::support::app::TestApp;

use crate::support::delivery::*;
use crate::support::journey::*;
use caas_domain::ids::OrderId;
use caas_domain::records::{Refund, RefundState};
use serde_json::json;

const VERA: &str = "vera@concesionario.test";

async fn lost(t: &TestApp, seller: &str, order: &str) {
    let body = json!({"reason": "no financing"});
    let (status, o) = staff_post(t, seller, order, "cannot-pay", body).await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("RESERVATION_LOST")),
        "{o}"
    );
}

/// The refund rows of `order`, as the store holds them.
async fn refunds_of(t: &TestApp, order: &str) -> Vec<Refund> {
    let id = OrderId::parse(order).unwrap();
    let mut tx = t.app.store.read().await.unwrap();
    tx.list_refunds_for_order(&id).await.unwrap()
}

#[tokio::test]
async fn with_the_refunded_policy_a_lost_reservation_refunds_the_senal_once() {
    let t = delivery_app(|c| c.delivery.senal_on_reservation_lost = "refunded".into()).await;
    let seller = seller(&t, VERA).await;
    let (order, token, _) = at_dealership(
        &t,
        &seller,
        &sale_body("ursula@example.test", "+34699000501"),
    )
    .await;
    lost(&t, &seller, &order).await;
    let e = wait_for_timeline(&t, &token, &order, "senal_refunded", 30).await;
    let entry = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "senal_refunded")
        .unwrap()
        .clone();
    assert_eq!(entry["data"]["amount"]["minor"], 200_000, "{entry}");
    let lost_entry = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "reservation_lost")
        .unwrap()
        .clone();
    assert_eq!(lost_entry["data"]["senal_policy"], "refund_pending");
    let pay = sim_stats(&t.sims.clone().unwrap().payments).await;
    assert_eq!(pay["refunds"], 1, "{pay}");
    assert!(order_alerts(&t, VERA, &order, "senal_refund_failed")
        .await
        .is_empty());
    let rows = refunds_of(&t, &order).await;
    assert_eq!(rows.len(), 1, "one refund row: {rows:?}");
    assert_eq!(
        (rows[0].state, rows[0].amount.minor, rows[0].reason.as_str()),
        (RefundState::Succeeded, 200_000, "senal_reservation_lost")
    );
    assert!(rows[0].gateway_refund_id.is_some());
    check_invariants(&t).await;
}

#[tokio::test]
async fn a_senal_refund_the_gateway_fails_alerts_the_dealership() {
    let t = delivery_app(|c| c.delivery.senal_on_reservation_lost = "refunded".into()).await;
    let seller = seller(&t, VERA).await;
    let email = "victor@example.test";
    let order = register_sale(&t, &seller, &sale_body(email, "+34699000502")).await;
    t.activate(email, PW).await;
    let token = t.api_token(email, PW).await;
    let pay = json!({"payment_method": "tok_test_refund_fails", "attempt_key": "desk-1"});
    let (status, p) = post_json(
        &t.url(&format!("/api/v1/sales/{order}/senal")),
        Some(&seller),
        &pay,
    )
    .await;
    assert_eq!(
        (status, p["state"].as_str()),
        (200, Some("CAPTURED")),
        "{p}"
    );
    wait_for_timeline(&t, &token, &order, "factory.vehicle_available", 60).await;
    let (status, _) = staff_post(&t, &seller, &order, "reception", json!({})).await;
    assert_eq!(status, 200);
    lost(&t, &seller, &order).await;
    wait_for_timeline(&t, &token, &order, "senal_refund_failed", 30).await;
    let alerts = order_alerts(&t, VERA, &order, "senal_refund_failed").await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(
        alerts[0].message.contains("card_closed"),
        "{}",
        alerts[0].message
    );
    let rows = refunds_of(&t, &order).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].state, RefundState::Failed);
    assert!(
        rows[0]
            .failure
            .as_deref()
            .unwrap_or_default()
            .contains("card_closed"),
        "{rows:?}"
    );
}
