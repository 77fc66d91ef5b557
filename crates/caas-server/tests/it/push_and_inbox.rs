//! The push channel under failure (SPEC §3.13 NOTIF-4/5, notification
//! providers §3): a subscription the push service calls gone is deleted and
//! email still arrives; an outage is retried into exactly one message. And
//! the inbox belongs to its customer alone.

use crate::support::app::*;
use crate::support::journey::*;
use caas_domain::clock::SystemClock;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

async fn app() -> TestApp {
    spawn_app_with(
        |c| {
            c.sim_factory_step_ms = 60;
            c.sim_fast_payments = true;
            c.sim_retry_speedup = 1000.0;
            c.factory_gap_wait_secs = 1;
        },
        Arc::new(SystemClock),
    )
    .await
}

/// A customer whose order the factory holds with its timeline paused, with
/// a push subscription; returns (token, push subscription, factory order id).
async fn paused_order(t: &TestApp, email: &str) -> (String, String, String) {
    sim_scenario(
        &t.sims.clone().unwrap().factory,
        json!({"pause_timeline": true}),
    )
    .await;
    let seller = seller(t, &format!("ventas.{email}")).await;
    let (order, token) = sold_to(t, &seller, email, "+34699000001").await;
    let sub = subscribe_push(t, &token).await;
    pay_senal(t, &token, &order, "tok_test_ok", "k1").await;
    let e = wait_for_timeline(t, &token, &order, "factory_order_placed", 20).await;
    t.drain_jobs().await;
    assert_eq!(pushed_ids(t, &sub).await.len(), 2, "the first two pushes");
    (
        token,
        sub,
        e["order"]["factory_order_id"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_push_subscription_the_service_reports_gone_is_removed_and_email_still_arrives() {
    let t = app().await;
    let (token, sub, fo) = paused_order(&t, "karen@example.com").await;
    let sims = t.sims.clone().unwrap();
    let (status, _) = post_json(
        &format!("{}/_sim/subscriptions/{sub}/gone", sims.push),
        None,
        &json!({}),
    )
    .await;
    assert_eq!(status, 204);

    sim_advance(&t, &fo).await;
    let first = wait_for_note(&t, &token, 20, "the push outcome", |n| {
        n["event"] == "manufacturing_milestone" && delivery(n, "push")["state"] != "pending"
    })
    .await;
    assert_eq!(delivery(&first, "push")["state"], "failed", "{first}");
    assert!(
        delivery(&first, "push")["log"].to_string().contains("gone"),
        "{first}"
    );
    let subs = get_json(&t.url("/api/v1/push-subscriptions"), Some(&token)).await;
    assert_eq!(subs, json!([]), "the gone subscription is deleted");
    let gone_before = sim_stats(&sims.push).await["counters"]["by_status"]["410"].as_u64();

    sim_advance(&t, &fo).await;
    let second = wait_for_note(&t, &token, 20, "the next milestone's email", |n| {
        n["event"] == "manufacturing_milestone"
            && n["id"] != first["id"]
            && delivery(n, "email")["state"] == "sent"
    })
    .await;
    assert_eq!(delivery(&second, "push")["state"], "skipped", "{second}");
    assert_eq!(
        sim_stats(&sims.push).await["counters"]["by_status"]["410"].as_u64(),
        gone_before,
        "no push to a deleted subscription"
    );
}

#[tokio::test]
async fn a_push_service_outage_is_retried_until_the_message_is_sent_exactly_once() {
    let t = app().await;
    let (token, sub, fo) = paused_order(&t, "lara@example.com").await;
    let sims = t.sims.clone().unwrap();
    sim_scenario(&sims.push, json!({"unavailable_for_next_requests": 2})).await;

    sim_advance(&t, &fo).await;
    // Backoff 2 s then 4 s (± 20 %) before the third attempt.
    let note = wait_for_note(&t, &token, 30, "the push sent after the outage", |n| {
        n["event"] == "manufacturing_milestone" && delivery(n, "push")["state"] == "sent"
    })
    .await;
    assert_eq!(delivery(&note, "push")["attempts"], 3, "{note}");
    let pushed = pushed_ids(&t, &sub).await;
    let mut counts = BTreeMap::new();
    for id in &pushed {
        *counts.entry(id.clone()).or_insert(0) += 1;
    }
    assert!(
        counts.values().all(|c| *c == 1),
        "a push arrived twice: {pushed:?}"
    );
    assert_eq!(counts.len(), 3);
    assert!(counts.contains_key(note["id"].as_str().unwrap()));
    assert_eq!(
        sim_stats(&sims.push).await["counters"]["by_status"]["503"],
        2
    );
}

#[tokio::test]
async fn the_inbox_is_the_customers_own() {
    let t = app().await;
    let (token, _, _) = paused_order(&t, "nuria@example.com").await;
    let seller = seller(&t, "ventas.otro@concesionario.es").await;
    let (other_order, other) = sold_to(&t, &seller, "oscar@example.com", "+34699000001").await;
    let mine = inbox(&t, &token).await;
    assert_eq!(
        mine.len(),
        2,
        "payment confirmed and order placed: {mine:?}"
    );
    assert!(
        inbox(&t, &other).await.is_empty(),
        "another customer sees none of it"
    );
    let my_order = mine[0]["order_id"].as_str().unwrap();
    let resp = client()
        .get(t.url(&format!("/api/v1/orders/{my_order}")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(
        get_json(&t.url("/api/v1/orders"), Some(&other)).await[0]["id"],
        other_order
    );
    let resp = client()
        .post(t.url("/api/v1/notifications/read"))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert!(
        inbox(&t, &token)
            .await
            .iter()
            .all(|n| n["read_at"].is_null()),
        "marking one's inbox read touches no other"
    );
}
