//! The payment gateway simulator over real sockets: the happy path, declines,
//! idempotency, `tok_test_timeout_once`, validation and outages.

use crate::support::payments::{intent, sim, sim_with, Client, PI};
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn an_ok_card_is_captured_at_once_and_settles_by_signed_gap_free_webhooks() {
    let s = sim().await;
    let r = s
        .api
        .post_new("/v1/payment_intents", &intent("tok_test_ok", true))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "succeeded");
    assert_eq!(r.body["amount_received"], 4150);
    assert_eq!(r.body["settlement"]["status"], "pending");
    assert_eq!(r.body["metadata"]["order_reference"], "ord_1");
    let id = r.body["id"].as_str().unwrap();
    s.hooks
        .wait_types(
            PI,
            id,
            &["payment_intent.succeeded", "payment_intent.settled"],
        )
        .await;
    assert!(s.hooks.received().iter().all(|w| w.signature_ok));
    let events = s.hooks.events_of(PI, id);
    let seqs: Vec<_> = events
        .iter()
        .map(|e| e["data"]["sequence"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, vec![1, 2]);
    let settled = &events[1]["data"]["object"];
    assert_eq!(settled["last_sequence"], 2);
    assert_eq!(settled["settlement"]["status"], "settled");
    let (net, fee) = (
        settled["settlement"]["net_amount"].as_i64().unwrap(),
        settled["settlement"]["fee_amount"].as_i64().unwrap(),
    );
    assert_eq!(net + fee, 4150);
    let listed = s.api.get(&format!("/v1/payment_intents/{id}/events")).await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 2);
    assert_eq!(listed.body["data"][0]["id"], events[0]["id"]);
    let got = s.api.get(&format!("/v1/payment_intents/{id}")).await;
    assert_eq!(
        (got.status, got.body["last_sequence"].as_i64()),
        (200, Some(2))
    );
}

#[tokio::test]
async fn a_declined_card_answers_402_with_its_decline_code_and_can_be_retried_with_another_card() {
    let s = sim().await;
    for (token, code) in [
        ("tok_test_decline_insufficient_funds", "insufficient_funds"),
        ("tok_test_decline_expired", "expired_card"),
    ] {
        let r = s
            .api
            .post_new("/v1/payment_intents", &intent(token, true))
            .await;
        assert_eq!((r.status, r.code()), (402, "card_declined"), "{}", r.body);
        assert_eq!(r.body["error"]["details"]["decline_code"], code);
        let pi = &r.body["error"]["details"]["payment_intent"];
        assert_eq!(pi["status"], "requires_payment_method");
        assert_eq!(pi["last_payment_error"]["decline_code"], code);
        let id = pi["id"].as_str().unwrap().to_string();
        s.hooks
            .wait_types(PI, &id, &["payment_intent.payment_failed"])
            .await;
        let retry = s
            .api
            .post_new(
                &format!("/v1/payment_intents/{id}/confirm"),
                &json!({"payment_method": "tok_test_ok"}),
            )
            .await;
        assert_eq!(
            (retry.status, retry.body["status"].as_str()),
            (200, Some("succeeded"))
        );
        assert_eq!(retry.body["last_payment_error"], Value::Null);
    }
    let stats = s.api.control_get("/_sim/stats").await;
    assert_eq!(
        (
            stats["declines"].as_u64(),
            stats["confirms_executed"].as_u64()
        ),
        (Some(2), Some(4))
    );
}

#[tokio::test]
async fn the_same_key_replays_the_stored_answer_and_a_different_body_is_refused_with_409() {
    let s = sim().await;
    let body = intent("tok_test_ok", false);
    let first = s.api.post("/v1/payment_intents", "key-1", &body).await;
    assert_eq!((first.status, first.replayed()), (201, false));
    assert_eq!(first.body["status"], "requires_confirmation");
    let again = s.api.post("/v1/payment_intents", "key-1", &body).await;
    assert_eq!((again.status, again.replayed()), (201, true));
    assert_eq!(again.body["id"], first.body["id"]);
    let mut other = body.clone();
    other["amount"] = json!(1);
    let reused = s.api.post("/v1/payment_intents", "key-1", &other).await;
    assert_eq!(
        (reused.status, reused.code()),
        (409, "idempotency_key_reused")
    );
    let missing = s
        .api
        .try_post("/v1/payment_intents", None, &body)
        .await
        .unwrap();
    assert_eq!(
        (missing.status, missing.code()),
        (400, "idempotency_key_required")
    );
    let stats = s.api.control_get("/_sim/stats").await;
    assert_eq!(stats["intents_created"], 1);
}

#[tokio::test]
async fn timeout_once_executes_the_charge_but_never_answers_and_the_retry_gets_the_stored_success()
{
    let s = sim().await;
    let body = intent("tok_test_timeout_once", true);
    let impatient = s.api.with_timeout(Duration::from_millis(500));
    let err = impatient
        .try_post("/v1/payment_intents", Some("k-timeout"), &body)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    let retry = s.api.post("/v1/payment_intents", "k-timeout", &body).await;
    assert_eq!(
        (retry.status, retry.replayed()),
        (201, true),
        "{}",
        retry.body
    );
    assert_eq!(retry.body["status"], "succeeded");
    let id = retry.body["id"].as_str().unwrap();
    s.hooks
        .wait_types(
            PI,
            id,
            &["payment_intent.succeeded", "payment_intent.settled"],
        )
        .await;
    let stats = s.api.control_get("/_sim/stats").await;
    assert_eq!(
        (
            stats["intents_created"].as_u64(),
            stats["captures"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let intents = s
        .api
        .control_get("/_sim/intents?customer_reference=cus_ref_881")
        .await;
    let charged: Vec<_> = intents["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["intent"]["amount_received"].as_i64() > Some(0))
        .collect();
    assert_eq!(charged.len(), 1, "charged exactly once");
}

#[tokio::test]
async fn timeout_once_closes_the_connection_without_a_single_byte_after_the_hold() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = sim_with(|c| c.timeout_hold_secs = 1).await;
    let created = s
        .api
        .post_new(
            "/v1/payment_intents",
            &intent("tok_test_timeout_once", false),
        )
        .await;
    let id = created.body["id"].as_str().unwrap();
    let path = format!("/v1/payment_intents/{id}/confirm");
    let addr = s.api.base.trim_start_matches("http://").to_string();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer payments-sim-key\r\n\
         Idempotency-Key: c-1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}"
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut answer))
        .await
        .unwrap();
    assert!(read.is_ok() || answer.is_empty(), "{read:?}");
    assert!(
        answer.is_empty(),
        "no response at all: {}",
        String::from_utf8_lossy(&answer)
    );
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "held for the hold time"
    );
    assert_eq!(
        s.api.get(&format!("/v1/payment_intents/{id}")).await.body["status"],
        "succeeded"
    );
    let retry = s.api.post(&path, "c-1", &json!({})).await;
    assert_eq!((retry.status, retry.replayed()), (200, true));
}

#[tokio::test]
async fn card_data_bad_amounts_foreign_currencies_and_missing_keys_are_refused() {
    let s = sim().await;
    let mut card = intent("tok_test_ok", true);
    card["card"] = json!({"number": "4242424242424242", "cvc": "123"});
    let r = s.api.post_new("/v1/payment_intents", &card).await;
    assert_eq!((r.status, r.code()), (400, "invalid_request"));
    for amount in [0, 100_000_000] {
        let mut b = intent("tok_test_ok", true);
        b["amount"] = json!(amount);
        assert_eq!(s.api.post_new("/v1/payment_intents", &b).await.status, 400);
    }
    let mut usd = intent("tok_test_ok", true);
    usd["currency"] = json!("USD");
    assert_eq!(
        s.api.post_new("/v1/payment_intents", &usd).await.code(),
        "currency_not_supported"
    );
    let anonymous = Client::new(&s.api.base, "wrong-key");
    assert_eq!(
        anonymous
            .post_new("/v1/payment_intents", &intent("tok_test_ok", true))
            .await
            .code(),
        "unauthenticated"
    );
    assert_eq!(
        s.api.get("/v1/payment_intents/pi_nope").await.code(),
        "payment_intent_not_found"
    );
    assert_eq!(s.api.control_get("/_sim/stats").await["intents_created"], 0);
}

#[tokio::test]
async fn an_outage_answers_503_with_retry_after_without_effect_then_the_same_key_succeeds() {
    let s = sim().await;
    s.api
        .control_post(
            "/_sim/scenario",
            &json!({"unavailable_for_next_requests": 2}),
        )
        .await;
    let body = intent("tok_test_ok", true);
    for _ in 0..2 {
        let r = s.api.post("/v1/payment_intents", "k-outage", &body).await;
        assert_eq!((r.status, r.code()), (503, "service_unavailable"));
        assert_eq!(r.headers.get("retry-after").unwrap(), "1");
    }
    let r = s.api.post("/v1/payment_intents", "k-outage", &body).await;
    assert_eq!((r.status, r.replayed()), (201, false));
    assert_eq!(s.api.control_get("/_sim/stats").await["intents_created"], 1);
}
