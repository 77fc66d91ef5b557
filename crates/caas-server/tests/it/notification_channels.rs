//! Notification channels under failure (SPEC §3.13 NOTIF-5/7): an SMS the
//! provider refuses or reports failed never blocks email and push, and an
//! optional cell can be muted while mandatory ones cannot. Push failures and
//! inbox ownership: `push_and_inbox.rs`.

use crate::support::app::*;
use crate::support::journey::*;
use caas_domain::clock::SystemClock;
use serde_json::{json, Value};
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

/// A sale for a customer with `phone` and a push subscription; returns (order, token).
async fn customer(t: &TestApp, email: &str, phone: &str) -> (String, String) {
    let seller = seller(t, &format!("ventas.{email}")).await;
    let (order, token) = sold_to(t, &seller, email, phone).await;
    subscribe_push(t, &token).await;
    (order, token)
}

/// Pays the señal and runs the order to the dealership; returns the inbox
/// once every milestone is notified and no delivery is pending.
async fn run_to_dealership(t: &TestApp, order: &str, token: &str) -> Vec<Value> {
    let (status, _) = pay_senal(t, token, order, "tok_test_ok", "k1").await;
    assert_eq!(status, 200);
    let e = wait_for_state(
        t,
        token,
        order,
        "IN_TRANSIT_TO_DEALERSHIP",
        "factory.vehicle_available",
        60,
    )
    .await;
    let milestones = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"].as_str().unwrap().starts_with("factory."))
        .count();
    wait_for(30, "every delivery settled", || async {
        let n = inbox(t, token).await;
        let count = n
            .iter()
            .filter(|x| x["event"] == "manufacturing_milestone")
            .count();
        let settled = n
            .iter()
            .flat_map(|x| x["deliveries"].as_array().unwrap().clone())
            .all(|d| d["state"] != "pending");
        (count == milestones && settled).then_some(n)
    })
    .await
}

fn milestones(notes: &[Value]) -> Vec<&Value> {
    notes
        .iter()
        .filter(|n| n["event"] == "manufacturing_milestone")
        .collect()
}

#[tokio::test]
async fn an_sms_the_provider_refuses_fails_alone_while_email_and_push_are_sent() {
    let t = app().await;
    let phone = "+34699000003";
    let (order, token) = customer(&t, "ines@example.com", phone).await;
    let notes = run_to_dealership(&t, &order, &token).await;
    let ms = milestones(&notes);
    assert!(ms.len() >= 5, "{notes:?}");
    for n in &ms {
        let sms = delivery(n, "sms");
        assert_eq!(sms["state"], "failed", "{n}");
        assert!(
            sms["log"].to_string().contains("invalid_destination"),
            "the provider's reason is kept: {sms}"
        );
        assert_eq!(delivery(n, "email")["state"], "sent", "{n}");
        assert_eq!(delivery(n, "push")["state"], "sent", "{n}");
    }
    assert!(sms_refs(&t, phone).await.is_empty());
    assert!(
        sim_stats(&t.sims.clone().unwrap().sms).await["messages_rejected"]
            .as_u64()
            .unwrap()
            >= ms.len() as u64
    );
}

#[tokio::test]
async fn an_sms_whose_receipt_reports_failure_ends_failed_while_email_and_push_are_sent() {
    let t = app().await;
    let phone = "+34699000002";
    let (order, token) = customer(&t, "jaime@example.com", phone).await;
    run_to_dealership(&t, &order, &token).await;
    // The failure receipt follows the acceptance.
    let notes = wait_for(20, "every SMS receipt", || async {
        let n = inbox(&t, &token).await;
        milestones(&n)
            .iter()
            .all(|x| delivery(x, "sms")["state"] == "failed")
            .then_some(n)
    })
    .await;
    let ms = milestones(&notes);
    for n in &ms {
        let sms = delivery(n, "sms");
        assert!(
            sms["provider_ref"]
                .as_str()
                .is_some_and(|r| r.starts_with("sms_")),
            "{sms}"
        );
        let log = sms["log"].to_string();
        assert!(
            log.contains("accepted by the SMS provider") && log.contains("unreachable"),
            "{log}"
        );
        assert_eq!(delivery(n, "email")["state"], "sent");
        assert_eq!(delivery(n, "push")["state"], "sent");
    }
    let mut refs = sms_refs(&t, phone).await;
    refs.sort();
    let mut ids: Vec<String> = ms
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    assert_eq!(
        refs, ids,
        "one SMS per milestone, none resent after the failure"
    );
}

#[tokio::test]
async fn muting_milestone_sms_stops_only_sms_and_a_mandatory_channel_cannot_be_muted() {
    let t = app().await;
    let phone = "+34699000007";
    let url = t.url("/api/v1/notifications/preferences");
    let (order, token) = customer(&t, "mara@example.com", phone).await;
    let put = |body: Value| client().put(&url).bearer_auth(&token).json(&body).send();
    let r = put(json!({"event": "manufacturing_milestone", "channel": "sms", "enabled": false}))
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = put(json!({"event": "manufacturing_milestone", "channel": "email", "enabled": false}))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
    let r = put(json!({"event": "manufacturing_milestone", "channel": "push", "enabled": false}))
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "push is mandatory for milestones");
    let prefs = get_json(&url, Some(&token)).await;
    let cell = |ch: &str| {
        prefs
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["event"] == "manufacturing_milestone" && c["channel"] == ch)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        (
            cell("sms")["requirement"].as_str(),
            cell("sms")["enabled"].as_bool()
        ),
        (Some("O"), Some(false))
    );
    assert_eq!(
        (
            cell("email")["requirement"].as_str(),
            cell("email")["enabled"].as_bool()
        ),
        (Some("M"), Some(true))
    );
    let notes = run_to_dealership(&t, &order, &token).await;
    let ms = milestones(&notes);
    assert!(ms.len() >= 5);
    for n in &ms {
        assert!(
            matches!(delivery(n, "sms")["state"].as_str(), None | Some("skipped")),
            "{n}"
        );
        assert_eq!(delivery(n, "email")["state"], "sent");
        assert_eq!(delivery(n, "push")["state"], "sent");
    }
    assert!(
        sms_refs(&t, phone).await.is_empty(),
        "no milestone SMS was sent"
    );
}
