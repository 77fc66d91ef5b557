//! The journey from sale to the dealership, end to end over real sockets:
//! the app with its embedded factory, payments, SMS and push simulators, and
//! a real SMTP server (aiosmtpd). Checks that every milestone reaches the
//! expediente and that the customer gets exactly the notifications the
//! SPEC matrix prescribes on each channel.

use crate::support::smtp;

use crate::support::app::*;
use crate::support::journey::*;
use caas_domain::clock::SystemClock;
use caas_server::config::Secret;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const PHONE: &str = "+34699000001";

async fn fast_app(smtp: Option<&smtp::SmtpServer>) -> TestApp {
    let url = smtp.map(|s| s.url());
    spawn_app_with(
        move |c| {
            c.sim_factory_step_ms = 60;
            c.sim_fast_payments = true;
            c.sim_retry_speedup = 1000.0;
            c.factory_gap_wait_secs = 1;
            c.smtp_url = url.map(Secret::new);
        },
        Arc::new(SystemClock),
    )
    .await
}

fn count(ids: &[String]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for i in ids {
        *m.entry(i.clone()).or_insert(0) += 1;
    }
    m
}

#[tokio::test]
async fn a_sale_reaches_the_dealership_and_the_customer_gets_exactly_the_matrix_notifications() {
    let Some(smtp) = smtp::SmtpServer::start_or_skip() else {
        return;
    };
    let t = fast_app(Some(&smtp)).await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let customer_email = "lucia@example.com";
    let order = register_sale(&t, &seller, &sale_body(customer_email, PHONE)).await;
    t.activate(customer_email, PW).await;
    let token = t.api_token(customer_email, PW).await;
    let push_sub = subscribe_push(&t, &token).await;

    let (status, pay) = pay_senal(&t, &token, &order, "tok_test_ok", "first-try").await;
    assert_eq!(
        (status, pay["state"].as_str()),
        (200, Some("CAPTURED")),
        "{pay}"
    );

    let e = wait_for_state(
        &t,
        &token,
        &order,
        "IN_TRANSIT_TO_DEALERSHIP",
        "factory.vehicle_available",
        60,
    )
    .await;
    let kinds: Vec<&str> = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    for k in [
        "sale_registered",
        "senal_paid",
        "factory_order_placed",
        "factory.accepted",
        "factory.production_started",
        "factory.vehicle_completed",
        "factory.vehicle_dispatched",
    ] {
        assert!(kinds.contains(&k), "timeline lacks {k}: {kinds:?}");
    }
    assert_eq!(e["order"]["vin"].as_str().map(str::len), Some(17));
    assert_eq!(
        e["invoices"].as_array().unwrap().len(),
        1,
        "the señal is invoiced"
    );
    assert!(
        e["estimate_history"].as_array().unwrap().len() >= 2,
        "revisions are kept: {}",
        e["estimate_history"]
    );

    // One notification per milestone, plus the señal and the order placed.
    let milestones = kinds.iter().filter(|k| k.starts_with("factory.")).count();
    let notes = wait_for(20, "every notification", || async {
        let n = inbox(&t, &token).await;
        (n.len() == milestones + 2).then_some(n)
    })
    .await;
    let by_event = |ev: &str| {
        notes
            .iter()
            .filter(|n| n["event"] == ev)
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(by_event("payment_confirmed").len(), 1);
    assert_eq!(by_event("factory_order_placed").len(), 1);
    let milestone_ids = by_event("manufacturing_milestone");
    assert_eq!(milestone_ids.len(), milestones);
    let all: BTreeSet<String> = notes
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();

    // Push (M on every row here): each notification exactly once.
    let pushed = wait_for(20, "push deliveries", || async {
        let p = pushed_ids(&t, &push_sub).await;
        (p.len() >= all.len()).then_some(p)
    })
    .await;
    assert!(
        count(&pushed).values().all(|c| *c == 1),
        "a push was sent twice: {pushed:?}"
    );
    assert_eq!(pushed.iter().cloned().collect::<BTreeSet<_>>(), all);

    // SMS: optional and on for milestones; unused for the señal and the order placed.
    let sms = wait_for(20, "SMS deliveries", || async {
        let s = sms_refs(&t, PHONE).await;
        (s.len() >= milestone_ids.len()).then_some(s)
    })
    .await;
    assert!(
        count(&sms).values().all(|c| *c == 1),
        "an SMS was sent twice: {sms:?}"
    );
    assert_eq!(
        sms.iter().cloned().collect::<BTreeSet<_>>(),
        milestone_ids.iter().cloned().collect()
    );

    // Email (M on every row): each notification once, plus the activation email.
    let parsed = wait_for(30, "every email at the SMTP server", || async {
        let parsed: Vec<smtp::Received> = smtp
            .delivered()
            .iter()
            .map(|f| smtp::parse_message(f))
            .collect();
        (parsed
            .iter()
            .filter(|m| m.notification_id.is_some())
            .count()
            >= all.len())
        .then_some(parsed)
    })
    .await;
    let mailed: Vec<String> = parsed
        .iter()
        .filter_map(|m| m.notification_id.clone())
        .collect();
    assert!(
        count(&mailed).values().all(|c| *c == 1),
        "an email was sent twice: {mailed:?}"
    );
    assert_eq!(mailed.iter().cloned().collect::<BTreeSet<_>>(), all);
    assert!(parsed
        .iter()
        .filter(|m| m.notification_id.is_some())
        .all(|m| m.to == vec![customer_email.to_owned()]));
    assert!(parsed
        .iter()
        .any(|m| m.category.as_deref() == Some("manufacturing_status")));

    // Every delivery leaves `pending`, and SMS receipts reach the delivery log.
    wait_for(30, "delivery states and SMS receipts", || async {
        let n = inbox(&t, &token).await;
        let all: Vec<Value> = n
            .iter()
            .flat_map(|x| x["deliveries"].as_array().unwrap().clone())
            .collect();
        let settled = all.iter().all(|d| d["state"] != "pending");
        let delivered = all
            .iter()
            .filter(|d| d["channel"] == "sms" && d["state"] == "delivered")
            .count();
        (settled && delivered == milestone_ids.len()).then_some(())
    })
    .await;
}

#[tokio::test]
async fn each_factory_event_delivered_three_times_in_shuffled_order_gives_one_notification_per_milestone(
) {
    let t = fast_app(None).await;
    let sims = t.sims.clone().unwrap();
    sim_scenario(
        &sims.factory,
        json!({"webhooks": {"duplicates": 2, "shuffle": true, "shuffle_window": 30, "shuffle_max_hold_ms": 2500}}),
    )
    .await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let order = register_sale(&t, &seller, &sale_body("pablo@example.com", PHONE)).await;
    t.activate("pablo@example.com", PW).await;
    let token = t.api_token("pablo@example.com", PW).await;
    let (status, _) = pay_senal(&t, &token, &order, "tok_test_ok", "k1").await;
    assert_eq!(status, 200);
    let e = wait_for_state(
        &t,
        &token,
        &order,
        "IN_TRANSIT_TO_DEALERSHIP",
        "factory.vehicle_available",
        60,
    )
    .await;
    let stats = sim_stats(&sims.factory).await;
    assert!(
        stats["webhook_attempts"].as_u64().unwrap()
            >= 3 * stats["events_emitted"].as_u64().unwrap(),
        "{stats}"
    );
    let timeline: Vec<&Value> = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"].as_str().unwrap().starts_with("factory."))
        .collect();
    let seqs: Vec<i64> = timeline
        .iter()
        .map(|x| x["data"]["sequence"].as_i64().unwrap())
        .collect();
    let mut sorted = seqs.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seqs.len(), "a milestone was recorded twice");
    assert_eq!(
        sorted,
        (1..=seqs.len() as i64).collect::<Vec<_>>(),
        "milestones applied gap-free"
    );
    assert_eq!(
        e["factory"]["last_sequence"].as_i64().unwrap(),
        seqs.len() as i64
    );
    let notes = inbox(&t, &token).await;
    let milestones = notes
        .iter()
        .filter(|n| n["event"] == "manufacturing_milestone")
        .count();
    assert_eq!(milestones, seqs.len(), "one notification per milestone");
}

#[tokio::test]
async fn the_factory_down_for_the_first_attempts_still_gets_exactly_one_order() {
    let t = spawn_app_with(
        |c| {
            c.sim_factory_step_ms = 60;
            c.sim_fast_payments = true;
            c.sim_retry_speedup = 1000.0;
        },
        Arc::new(SystemClock),
    )
    .await;
    let sims = t.sims.clone().unwrap();
    sim_scenario(&sims.factory, json!({"unavailable_for_next_creates": 3})).await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let order = register_sale(&t, &seller, &sale_body("ana@example.com", PHONE)).await;
    t.activate("ana@example.com", PW).await;
    let token = t.api_token("ana@example.com", PW).await;
    pay_senal(&t, &token, &order, "tok_test_ok", "k1").await;
    // Backoff is 2 s, 4 s, 8 s (±20 %) before the fourth attempt succeeds.
    let e = wait_for_timeline(&t, &token, &order, "factory_order_placed", 40).await;
    assert!(e["order"]["factory_order_id"]
        .as_str()
        .unwrap()
        .starts_with("fo_"));
    let stats = sim_stats(&sims.factory).await;
    assert_eq!(stats["orders_created"], 1, "{stats}");
    assert_eq!(stats["create_requests"], 4, "{stats}");
}

#[tokio::test]
async fn a_declined_senal_shows_its_reason_and_places_no_order() {
    let t = fast_app(None).await;
    let sims = t.sims.clone().unwrap();
    let seller = seller(&t, "vera@concesionario.es").await;
    let order = register_sale(&t, &seller, &sale_body("rosa@example.com", PHONE)).await;
    t.activate("rosa@example.com", PW).await;
    let token = t.api_token("rosa@example.com", PW).await;
    let (status, p) = pay_senal(
        &t,
        &token,
        &order,
        "tok_test_decline_insufficient_funds",
        "k1",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (p["state"].as_str(), p["decline_code"].as_str()),
        (Some("DECLINED"), Some("insufficient_funds"))
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let e = expediente(&t, &token, &order).await;
    assert_eq!(e["order"]["state"], "SALE_REGISTERED");
    assert_eq!(sim_stats(&sims.factory).await["create_requests"], 0);
    // A retry with another card is allowed and succeeds.
    let (_, p) = pay_senal(&t, &token, &order, "tok_test_ok", "k2").await;
    assert_eq!(p["state"], "CAPTURED");
}

#[tokio::test]
async fn a_double_submitted_senal_charges_once() {
    let t = fast_app(None).await;
    let sims = t.sims.clone().unwrap();
    let seller = seller(&t, "vera@concesionario.es").await;
    let order = register_sale(&t, &seller, &sale_body("marta@example.com", PHONE)).await;
    let url = t.url(&format!("/api/v1/sales/{order}/senal"));
    let body = json!({"payment_method": "tok_test_ok", "attempt_key": "same-click"});
    let (a, b) = tokio::join!(
        post_json(&url, Some(&seller), &body),
        post_json(&url, Some(&seller), &body)
    );
    let ids: BTreeSet<String> = [&a, &b]
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, v)| v["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.len() <= 1, "two payments for one click: {a:?} {b:?}");
    // A second click with a new key is refused: the señal is paid or in progress.
    let (status, refusal) = post_json(
        &url,
        Some(&seller),
        &json!({"payment_method": "tok_test_ok", "attempt_key": "other"}),
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        matches!(
            refusal["code"].as_str(),
            Some("senal_already_paid" | "payment_in_progress")
        ),
        "a stable reason code: {refusal}"
    );
    let stats = sim_stats(&sims.payments).await;
    assert_eq!(
        (
            stats["intents_created"].as_u64(),
            stats["captures"].as_u64()
        ),
        (Some(1), Some(1)),
        "{stats}"
    );
}

#[tokio::test]
async fn a_card_whose_answer_is_lost_is_charged_once_and_the_order_proceeds() {
    let t = spawn_app_with(
        |c| {
            c.sim_factory_step_ms = 60;
            c.sim_fast_payments = true;
            c.sim_retry_speedup = 1000.0;
            c.partner_timeout_secs = 1;
            c.sim_payment_timeout_hold_secs = 3;
        },
        Arc::new(SystemClock),
    )
    .await;
    let sims = t.sims.clone().unwrap();
    let seller = seller(&t, "vera@concesionario.es").await;
    let order = register_sale(&t, &seller, &sale_body("irene@example.com", PHONE)).await;
    t.activate("irene@example.com", PW).await;
    let token = t.api_token("irene@example.com", PW).await;
    let (status, p) = pay_senal(&t, &token, &order, "tok_test_timeout_once", "k1").await;
    // The answer was lost; the payment is still processing, unless the
    // gateway's webhooks already told us the outcome meanwhile.
    assert_eq!(status, 200, "{p}");
    assert_ne!(p["state"], "DECLINED", "{p}");
    wait_for_timeline(&t, &token, &order, "factory_order_placed", 40).await;
    let stats = sim_stats(&sims.payments).await;
    assert_eq!(
        (
            stats["intents_created"].as_u64(),
            stats["captures"].as_u64()
        ),
        (Some(1), Some(1)),
        "{stats}"
    );
    let e = expediente(&t, &token, &order).await;
    assert_eq!(e["payments"].as_array().unwrap().len(), 1);
    assert_eq!(e["invoices"].as_array().unwrap().len(), 1);
}
