//! `POST /webhooks/factory` played by the test as the factory: signature
//! verification on the raw bytes (forged, stale, missing → 401), dedupe by
//! webhook-id, per-order sequence ordering with gaps waiting, unknown types
//! ignored, and an event that arrives before its order is known applied later.

use crate::support::app::*;
use crate::support::journey::*;
use caas_domain::clock::SystemClock;
use caas_partners::webhooks::WebhookSecret;
use caas_server::config::Secret;
use serde_json::{json, Value};
use std::sync::Arc;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async fn app() -> TestApp {
    spawn_app_with(
        |c| {
            c.factory_webhook_secret = Some(Secret::new(SECRET));
            c.sim_fast_payments = true;
            c.factory_gap_wait_secs = 1;
            c.sim_factory_step_ms = 60;
            c.sim_retry_speedup = 1000.0;
        },
        Arc::new(SystemClock),
    )
    .await
}

fn event(
    id: &str,
    kind: &str,
    fo: &str,
    order: &str,
    seq: i64,
    status: &str,
    extra: Value,
) -> String {
    let mut data = json!({"factory_order_id": fo, "order_reference": order, "sequence": seq, "status": status,
                          "vin": null, "estimated_completion_date": "2026-12-20"});
    for (k, v) in extra.as_object().unwrap() {
        data[k] = v.clone();
    }
    json!({"id": id, "type": kind, "occurred_at": chrono::Utc::now().to_rfc3339(), "data": data})
        .to_string()
}

async fn deliver(t: &TestApp, secret: &str, id: &str, ts: i64, body: &str) -> u16 {
    let sig = WebhookSecret::parse(secret)
        .unwrap()
        .sign(id, ts, body.as_bytes());
    client()
        .post(t.url("/webhooks/factory"))
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sig)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn forged_stale_or_unsigned_factory_events_get_401_and_a_signed_one_200() {
    let t = app().await;
    let body = event(
        "evt_sig_1",
        "order.accepted",
        "fo_X",
        "ord_unknown",
        1,
        "accepted",
        json!({}),
    );
    let forged = WebhookSecret::generate();
    assert_eq!(
        deliver(&t, &forged, "evt_sig_1", now(), &body).await,
        401,
        "forged secret"
    );
    assert_eq!(
        deliver(&t, SECRET, "evt_sig_1", now() - 301, &body).await,
        401,
        "stale timestamp"
    );
    assert_eq!(
        deliver(&t, SECRET, "evt_sig_1", now() + 301, &body).await,
        401,
        "timestamp from the future"
    );
    let unsigned = client()
        .post(t.url("/webhooks/factory"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    let ts = now();
    let sig = WebhookSecret::parse(SECRET)
        .unwrap()
        .sign("evt_sig_1", ts, body.as_bytes());
    let tampered = client()
        .post(t.url("/webhooks/factory"))
        .header("webhook-id", "evt_sig_1")
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sig)
        .body(body.replace("accepted", "cancelled"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        tampered.status(),
        401,
        "a changed byte breaks the signature"
    );
    assert_eq!(
        deliver(&t, SECRET, "evt_sig_1", now() - 299, &body).await,
        200,
        "inside the tolerance"
    );
    assert_eq!(
        deliver(&t, SECRET, "evt_sig_1", now(), &body).await,
        200,
        "a repeat is acknowledged"
    );
}

#[tokio::test]
async fn events_out_of_order_with_duplicates_and_unknown_types_apply_once_in_sequence() {
    let t = app().await;
    let sims = t.sims.clone().unwrap();
    // The simulated factory accepts the order but stays silent: the test speaks for it.
    sim_scenario(&sims.factory, json!({"pause_timeline": true})).await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let order = register_sale(&t, &seller, &sale_body("luis@example.com", "+34699000001")).await;
    t.activate("luis@example.com", PW).await;
    let token = t.api_token("luis@example.com", PW).await;
    pay_senal(&t, &token, &order, "tok_test_ok", "k").await;
    let e = wait_for_timeline(&t, &token, &order, "factory_order_placed", 20).await;
    let fo = e["order"]["factory_order_id"].as_str().unwrap().to_owned();

    let evs = [
        event(
            "evt_1",
            "order.accepted",
            &fo,
            &order,
            1,
            "accepted",
            json!({}),
        ),
        event(
            "evt_2",
            "order.production_scheduled",
            &fo,
            &order,
            2,
            "scheduled",
            json!({"production_slot_week": "2026-W50"}),
        ),
        event(
            "evt_3",
            "order.paint_shop_visited",
            &fo,
            &order,
            3,
            "scheduled",
            json!({}),
        ),
        event(
            "evt_4",
            "order.estimate_revised",
            &fo,
            &order,
            4,
            "scheduled",
            json!({"estimated_completion_date": "2027-01-10", "previous_estimated_completion_date": "2026-12-20",
                     "reason_code": "component_shortage", "reason": "Retraso del proveedor de la bomba de calor"}),
        ),
        event(
            "evt_5",
            "order.production_started",
            &fo,
            &order,
            5,
            "in_production",
            json!({"estimated_completion_date": "2027-01-10"}),
        ),
    ];
    // 5, 4, 2 arrive first (gap at 1 and 3), each twice; nothing may apply yet.
    for i in [4usize, 3, 1, 4, 1] {
        assert_eq!(
            deliver(&t, SECRET, &format!("evt_{}", i + 1), now(), &evs[i]).await,
            200
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let e = expediente(&t, &token, &order).await;
    assert_eq!(
        e["order"]["state"], "ORDERED",
        "nothing applies across a gap"
    );
    for i in [0usize, 2, 0, 2] {
        assert_eq!(
            deliver(&t, SECRET, &format!("evt_{}", i + 1), now(), &evs[i]).await,
            200
        );
    }
    let e = wait_for_state(
        &t,
        &token,
        &order,
        "IN_PRODUCTION",
        "factory.production_started",
        20,
    )
    .await;
    assert_eq!(e["factory"]["last_sequence"], 5);
    assert_eq!(e["order"]["estimated_completion_date"], "2027-01-10");
    let kinds: Vec<&str> = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    let factory: Vec<&&str> = kinds.iter().filter(|k| k.starts_with("factory.")).collect();
    assert_eq!(
        factory,
        [
            &"factory.accepted",
            &"factory.production_scheduled",
            &"factory.estimate_revised",
            &"factory.production_started"
        ]
    );
    let history = e["estimate_history"].as_array().unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last["previous"].as_str(), last["new"].as_str()),
        (Some("2026-12-20"), Some("2027-01-10"))
    );
    assert_eq!(last["reason_code"], "component_shortage");
    let notes = inbox(&t, &token).await;
    assert_eq!(
        notes
            .iter()
            .filter(|n| n["event"] == "manufacturing_milestone")
            .count(),
        4,
        "unknown type not notified, repeats not re-notified"
    );
    // A late, older event never regresses the order.
    assert_eq!(
        deliver(
            &t,
            SECRET,
            "evt_2b",
            now(),
            &evs[1].replace("evt_2", "evt_2b")
        )
        .await,
        200
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        expediente(&t, &token, &order).await["order"]["state"],
        "IN_PRODUCTION"
    );
}

#[tokio::test]
async fn a_gap_that_never_fills_is_reconciled_from_the_factory_events_endpoint() {
    let t = app().await;
    let sims = t.sims.clone().unwrap();
    // The factory drops every production_scheduled webhook; /events still lists it.
    sim_scenario(
        &sims.factory,
        json!({"webhooks": {"drop_types": ["order.production_scheduled"]}}),
    )
    .await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let order = register_sale(&t, &seller, &sale_body("eva@example.com", "+34699000001")).await;
    t.activate("eva@example.com", PW).await;
    let token = t.api_token("eva@example.com", PW).await;
    pay_senal(&t, &token, &order, "tok_test_ok", "k").await;
    let e = wait_for_state(
        &t,
        &token,
        &order,
        "IN_TRANSIT_TO_DEALERSHIP",
        "factory.vehicle_available",
        120,
    )
    .await;
    let kinds: Vec<&str> = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"factory.production_scheduled"),
        "the dropped event was fetched: {kinds:?}"
    );
}

#[tokio::test]
async fn revisions_applied_together_tell_the_customer_the_latest_date_once() {
    let t = app().await;
    let sims = t.sims.clone().unwrap();
    sim_scenario(&sims.factory, json!({"pause_timeline": true})).await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let order = register_sale(&t, &seller, &sale_body("rosa@example.com", "+34699000001")).await;
    t.activate("rosa@example.com", PW).await;
    let token = t.api_token("rosa@example.com", PW).await;
    pay_senal(&t, &token, &order, "tok_test_ok", "k").await;
    let e = wait_for_timeline(&t, &token, &order, "factory_order_placed", 20).await;
    let fo = e["order"]["factory_order_id"].as_str().unwrap().to_owned();
    let milestones = |notes: Vec<Value>| -> Vec<String> {
        notes
            .into_iter()
            .filter(|n| n["event"] == "manufacturing_milestone")
            .map(|n| n.to_string())
            .collect()
    };
    let before = milestones(inbox(&t, &token).await).len();

    let revision = |seq: i64, previous: &str, new: &str| {
        event(
            &format!("evt_{seq}"),
            "order.estimate_revised",
            &fo,
            &order,
            seq,
            "scheduled",
            json!({"estimated_completion_date": new, "previous_estimated_completion_date": previous,
                   "reason_code": "component_shortage", "reason": "Proveedor"}),
        )
    };
    // Three revisions wait behind a gap at 1, so all four apply in one run.
    let accepted = event(
        "evt_1",
        "order.accepted",
        &fo,
        &order,
        1,
        "accepted",
        json!({}),
    );
    let evs = [
        revision(2, "2026-12-20", "2027-01-10"),
        revision(3, "2027-01-10", "2027-01-24"),
        revision(4, "2027-01-24", "2027-02-07"),
    ];
    for (i, body) in evs.iter().enumerate() {
        assert_eq!(
            deliver(&t, SECRET, &format!("evt_{}", i + 2), now(), body).await,
            200
        );
    }
    assert_eq!(deliver(&t, SECRET, "evt_1", now(), &accepted).await, 200);
    let e = wait_for_timeline(&t, &token, &order, "factory.estimate_revised", 20).await;
    assert_eq!(e["factory"]["last_sequence"], 4);
    assert_eq!(e["order"]["estimated_completion_date"], "2027-02-07");
    let history: Vec<&str> = e["estimate_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["new"].as_str().unwrap())
        .collect();
    assert!(
        history.ends_with(&["2027-01-10", "2027-01-24", "2027-02-07"]),
        "every revision stays in the history: {history:?}"
    );
    let revised = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "factory.estimate_revised")
        .count();
    assert_eq!(revised, 3, "every revision stays in the timeline");

    let told = milestones(inbox(&t, &token).await);
    assert_eq!(
        told.len(),
        before + 2,
        "accepted, then one revision: {told:#?}"
    );
    let said = |n: &String, es: &str, en: &str| n.contains(es) || n.contains(en);
    let revision_note = told
        .iter()
        .find(|n| said(n, "07/02/2027", "7 February 2027"))
        .expect("the latest date is told");
    assert!(
        said(revision_note, "20/12/2026", "20 December 2026"),
        "against the date last told: {revision_note}"
    );
    assert!(
        !told.iter().any(|n| said(n, "24/01/2027", "24 January 2027")
            || said(n, "10/01/2027", "10 January 2027")),
        "a superseded date is not told: {told:?}"
    );
}
