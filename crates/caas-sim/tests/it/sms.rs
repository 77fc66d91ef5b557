//! The SMS provider simulator over real sockets: the contract's test
//! numbers and their signed receipts, validation, idempotency, outages.

use crate::support::http_harness::{Client, Receiver};
use caas_sim::common::SimHandle;
use caas_sim::sms::{self, SmsSimConfig, DEV_WEBHOOK_SECRET};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpListener;

struct Sim {
    api: Client,
    hooks: Receiver,
    _handle: SimHandle,
}

async fn sim() -> Sim {
    let hooks = Receiver::start("/webhooks/sms", DEV_WEBHOOK_SECRET).await;
    let cfg = SmsSimConfig::for_tests(Some(hooks.url.clone()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let handle = sms::start(cfg.clone(), listener).await.unwrap();
    Sim {
        api: Client::new(&handle.base_url, &cfg.api_key),
        hooks,
        _handle: handle,
    }
}

fn sms_to(to: &str) -> Value {
    json!({"to": to, "body": "Tu pedido ord_1 ha sido confirmado", "sender": "CaaS", "reference": "ntf_5512"})
}

const MSG: &str = "message_id";

/// Sends to `to` and returns the accepted message id.
async fn send(s: &Sim, to: &str) -> String {
    let r = s.api.post_new("/v1/messages", &sms_to(to)).await;
    assert_eq!(r.status, 202, "{}", r.body);
    r.body["message_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_message_to_test_number_1_is_queued_then_sent_and_delivered_by_signed_receipts() {
    let s = sim().await;
    let r = s
        .api
        .post_new("/v1/messages", &sms_to("+34699000001"))
        .await;
    assert_eq!(r.status, 202);
    for (field, want) in [
        ("status", json!("queued")),
        ("to", json!("+34699000001")),
        ("reference", json!("ntf_5512")),
        ("segments", json!(1)),
        ("encoding", json!("gsm7")),
    ] {
        assert_eq!(r.body[field], want, "{field}");
    }
    let id = r.body["message_id"].as_str().unwrap();
    assert!(id.starts_with("sms_") && r.body["created_at"].is_string());
    s.hooks
        .wait_types(MSG, id, &["message.sent", "message.delivered"])
        .await;
    assert!(s.hooks.received().iter().all(|w| w.signature_ok));
    let events = s.hooks.events_of(MSG, id);
    assert_eq!(
        events[1]["data"],
        json!({"message_id": id, "reference": "ntf_5512", "to": "+34699000001", "status": "delivered", "sequence": 2})
    );
    let got = s.api.get(&format!("/v1/messages/{id}")).await;
    assert_eq!(
        (
            got.status,
            got.body["status"].as_str(),
            got.body["error_code"].clone()
        ),
        (200, Some("delivered"), Value::Null)
    );
}

#[tokio::test]
async fn an_ordinary_number_behaves_like_test_number_1() {
    let s = sim().await;
    let id = send(&s, "+34612345678").await;
    s.hooks
        .wait_types(MSG, &id, &["message.sent", "message.delivered"])
        .await;
}

#[tokio::test]
async fn test_number_2_is_sent_then_fails_as_unreachable() {
    let s = sim().await;
    let id = send(&s, "+34699000002").await;
    s.hooks
        .wait_types(MSG, &id, &["message.sent", "message.failed"])
        .await;
    assert_eq!(
        s.hooks.events_of(MSG, &id)[1]["data"]["error_code"],
        "unreachable"
    );
    let got = s.api.get(&format!("/v1/messages/{id}")).await.body;
    assert_eq!(
        (got["status"].as_str(), got["error_code"].as_str()),
        (Some("failed"), Some("unreachable"))
    );
}

#[tokio::test]
async fn test_number_3_and_malformed_numbers_are_refused_with_422_invalid_destination() {
    let s = sim().await;
    for to in [
        "+34699000003",
        "612345678",
        "+34 612 345 678",
        "+0034612345678",
    ] {
        let r = s.api.post_new("/v1/messages", &sms_to(to)).await;
        assert_eq!((r.status, r.code()), (422, "invalid_destination"), "{to}");
    }
    let msgs = s.api.control_get("/_sim/messages").await;
    assert_eq!(msgs["data"].as_array().unwrap().len(), 0);
    assert_eq!(
        s.api.control_get("/_sim/stats").await["messages_rejected"],
        4
    );
}

#[tokio::test]
async fn test_number_4_is_sent_then_expires() {
    let s = sim().await;
    let id = send(&s, "+34699000004").await;
    s.hooks
        .wait_types(MSG, &id, &["message.sent", "message.expired"])
        .await;
}

#[tokio::test]
async fn test_number_5_is_sent_and_never_gets_a_final_receipt() {
    let s = sim().await;
    let id = send(&s, "+34699000005").await;
    s.hooks.wait_types(MSG, &id, &["message.sent"]).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(s.hooks.types_of(MSG, &id), vec!["message.sent"]);
    assert_eq!(
        s.api.get(&format!("/v1/messages/{id}")).await.body["status"],
        "sent"
    );
}

#[tokio::test]
async fn segments_and_encoding_follow_gsm7_and_ucs2_and_long_bodies_or_bad_senders_get_422() {
    let s = sim().await;
    let mut long = sms_to("+34612345678");
    long["body"] = json!("a".repeat(161));
    let r = s.api.post_new("/v1/messages", &long).await;
    assert_eq!(
        (r.body["segments"].as_u64(), r.body["encoding"].as_str()),
        (Some(2), Some("gsm7"))
    );
    let mut accented = sms_to("+34612345678");
    accented["body"] = json!("Tu vehículo llega mañana");
    let r = s.api.post_new("/v1/messages", &accented).await;
    assert_eq!(
        (r.body["segments"].as_u64(), r.body["encoding"].as_str()),
        (Some(1), Some("ucs2"))
    );
    let mut too_long = sms_to("+34612345678");
    too_long["body"] = json!("í".repeat(403));
    assert_eq!(
        s.api.post_new("/v1/messages", &too_long).await.code(),
        "body_too_long"
    );
    let mut bad_sender = sms_to("+34612345678");
    bad_sender["sender"] = json!("12345");
    assert_eq!(
        s.api.post_new("/v1/messages", &bad_sender).await.code(),
        "sender_not_allowed"
    );
    let mut missing = sms_to("+34612345678");
    missing.as_object_mut().unwrap().remove("body");
    assert_eq!(
        s.api.post_new("/v1/messages", &missing).await.code(),
        "invalid_request"
    );
}

#[tokio::test]
async fn the_same_key_replays_the_202_and_the_customer_receives_one_message() {
    let s = sim().await;
    let body = sms_to("+34612345678");
    let first = s.api.post("/v1/messages", "sms-key-1", &body).await;
    let again = s.api.post("/v1/messages", "sms-key-1", &body).await;
    assert_eq!((again.status, again.replayed()), (202, true));
    assert_eq!(again.body["message_id"], first.body["message_id"]);
    let mut other = body.clone();
    other["body"] = json!("otro texto");
    assert_eq!(
        s.api.post("/v1/messages", "sms-key-1", &other).await.code(),
        "idempotency_key_reused"
    );
    let missing = s.api.try_post("/v1/messages", None, &body).await.unwrap();
    assert_eq!(
        (missing.status, missing.code()),
        (400, "idempotency_key_required")
    );
    let msgs = s.api.control_get("/_sim/messages?to=%2B34612345678").await;
    let data = msgs["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(
        (data[0]["body"].as_str(), data[0]["reference"].as_str()),
        (Some("Tu pedido ord_1 ha sido confirmado"), Some("ntf_5512"))
    );
}

#[tokio::test]
async fn an_outage_answers_503_provider_unavailable_and_blocked_numbers_get_422() {
    let s = sim().await;
    s.api
        .control_post(
            "/_sim/scenario",
            &json!({"unavailable_for_next_requests": 1, "blocked_numbers": ["+34600000000"]}),
        )
        .await;
    let body = sms_to("+34612345678");
    let down = s.api.post("/v1/messages", "k", &body).await;
    assert_eq!((down.status, down.code()), (503, "provider_unavailable"));
    assert!(down.headers.get("retry-after").is_some());
    assert_eq!(s.api.post("/v1/messages", "k", &body).await.status, 202);
    let blocked = s
        .api
        .post_new("/v1/messages", &sms_to("+34600000000"))
        .await;
    assert_eq!(
        (blocked.status, blocked.code()),
        (422, "destination_blocked")
    );
    assert_eq!(
        s.api.get("/v1/messages/sms_nope").await.code(),
        "message_not_found"
    );
    let stats = s.api.control_get("/_sim/stats").await;
    assert_eq!(
        (
            stats["messages_accepted"].as_u64(),
            stats["requests"]["injected"].as_u64()
        ),
        (Some(1), Some(1))
    );
}
