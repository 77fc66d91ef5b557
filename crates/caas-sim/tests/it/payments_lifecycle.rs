//! Payment intents after authorization: settlement outcomes, chargebacks,
//! processing, manual capture, authorization expiry and cancel.

use crate::support::payments::{intent, manual, sim, sim_with, PI};
use serde_json::json;

#[tokio::test]
async fn settlement_fails_token_ends_in_settlement_failed_instead_of_settled() {
    let s = sim().await;
    let r = s
        .api
        .post_new(
            "/v1/payment_intents",
            &intent("tok_test_settlement_fails", true),
        )
        .await;
    let id = r.body["id"].as_str().unwrap();
    s.hooks
        .wait_types(
            PI,
            id,
            &[
                "payment_intent.succeeded",
                "payment_intent.settlement_failed",
            ],
        )
        .await;
    let last = s.hooks.events_of(PI, id).pop().unwrap();
    assert_eq!(
        last["data"]["object"]["settlement"]["failure_code"],
        "insufficient_funds"
    );
}

#[tokio::test]
async fn chargeback_token_settles_then_disputes_the_full_amount() {
    let s = sim().await;
    let r = s
        .api
        .post_new("/v1/payment_intents", &intent("tok_test_chargeback", true))
        .await;
    let id = r.body["id"].as_str().unwrap();
    s.hooks
        .wait_types(
            PI,
            id,
            &[
                "payment_intent.succeeded",
                "payment_intent.settled",
                "payment_intent.chargeback",
            ],
        )
        .await;
    let dispute = &s.hooks.events_of(PI, id)[2]["data"]["object"]["dispute"];
    assert_eq!(
        (dispute["amount"].as_i64(), dispute["reason"].as_str()),
        (Some(4150), Some("fraudulent"))
    );
}

#[tokio::test]
async fn delayed_token_answers_processing_and_the_outcome_comes_by_webhook() {
    let s = sim().await;
    let auto = s
        .api
        .post_new("/v1/payment_intents", &intent("tok_test_delayed", true))
        .await;
    assert_eq!(
        (auto.status, auto.body["status"].as_str()),
        (201, Some("processing"))
    );
    let held = s
        .api
        .post_new("/v1/payment_intents", &manual("tok_test_delayed"))
        .await;
    assert_eq!(held.body["status"], "processing");
    let (a, m) = (
        auto.body["id"].as_str().unwrap(),
        held.body["id"].as_str().unwrap(),
    );
    s.hooks
        .wait_types(
            PI,
            a,
            &["payment_intent.succeeded", "payment_intent.settled"],
        )
        .await;
    s.hooks
        .wait_types(PI, m, &["payment_intent.amount_capturable_updated"])
        .await;
    assert_eq!(
        s.api.get(&format!("/v1/payment_intents/{m}")).await.body["status"],
        "requires_capture"
    );
}

#[tokio::test]
async fn manual_capture_takes_one_partial_capture_and_refuses_more_than_authorized() {
    let s = sim().await;
    let r = s
        .api
        .post_new("/v1/payment_intents", &manual("tok_test_ok"))
        .await;
    assert_eq!(
        (
            r.body["status"].as_str(),
            r.body["amount_capturable"].as_i64()
        ),
        (Some("requires_capture"), Some(4150))
    );
    assert!(r.body["authorization_expires_at"].is_string());
    let id = r.body["id"].as_str().unwrap();
    let capture = format!("/v1/payment_intents/{id}/capture");
    let big = s
        .api
        .post_new(&capture, &json!({"amount_to_capture": 5000}))
        .await;
    assert_eq!((big.status, big.code()), (422, "amount_too_large"));
    let part = s
        .api
        .post_new(&capture, &json!({"amount_to_capture": 4000}))
        .await;
    assert_eq!(
        (
            part.status,
            part.body["amount_received"].as_i64(),
            part.body["amount_capturable"].as_i64()
        ),
        (200, Some(4000), Some(0))
    );
    let twice = s.api.post_new(&capture, &json!({})).await;
    assert_eq!(
        (twice.status, twice.code()),
        (409, "payment_intent_unexpected_state")
    );
    assert_eq!(twice.body["error"]["details"]["status"], "succeeded");
    s.hooks
        .wait_types(
            PI,
            id,
            &[
                "payment_intent.amount_capturable_updated",
                "payment_intent.succeeded",
                "payment_intent.settled",
            ],
        )
        .await;
}

#[tokio::test]
async fn auth_expires_token_lapses_an_uncaptured_authorization() {
    let s = sim().await;
    let r = s
        .api
        .post_new("/v1/payment_intents", &manual("tok_test_auth_expires"))
        .await;
    let id = r.body["id"].as_str().unwrap();
    s.hooks
        .wait_types(
            PI,
            id,
            &[
                "payment_intent.amount_capturable_updated",
                "payment_intent.authorization_expired",
            ],
        )
        .await;
    let got = s.api.get(&format!("/v1/payment_intents/{id}")).await.body;
    assert_eq!(
        (got["status"].as_str(), got["cancellation_reason"].as_str()),
        (Some("canceled"), Some("authorization_expired"))
    );
    let late = s
        .api
        .post_new(&format!("/v1/payment_intents/{id}/capture"), &json!({}))
        .await;
    assert_eq!(late.status, 409);
}

#[tokio::test]
async fn cancel_voids_an_authorization_but_a_captured_payment_must_be_refunded() {
    let s = sim().await;
    let r = s
        .api
        .post_new("/v1/payment_intents", &manual("tok_test_ok"))
        .await;
    let id = r.body["id"].as_str().unwrap();
    let cancel = format!("/v1/payment_intents/{id}/cancel");
    let c = s
        .api
        .post_new(
            &cancel,
            &json!({"cancellation_reason": "activation_failed"}),
        )
        .await;
    assert_eq!(
        (
            c.status,
            c.body["status"].as_str(),
            c.body["amount_capturable"].as_i64()
        ),
        (200, Some("canceled"), Some(0))
    );
    assert_eq!(s.api.post_new(&cancel, &json!({})).await.status, 200);
    s.hooks
        .wait_types(
            PI,
            id,
            &[
                "payment_intent.amount_capturable_updated",
                "payment_intent.canceled",
            ],
        )
        .await;
    let paid = s
        .api
        .post_new("/v1/payment_intents", &intent("tok_test_ok", true))
        .await;
    let no = s
        .api
        .post_new(
            &format!(
                "/v1/payment_intents/{}/cancel",
                paid.body["id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await;
    assert_eq!(
        (no.status, no.code()),
        (409, "payment_intent_unexpected_state")
    );
}

#[tokio::test]
async fn cancel_takes_a_declined_intent_refuses_a_processing_one_and_checks_its_reason() {
    let s = sim_with(|c| c.processing_delay_ms = 600_000).await;
    let declined = s
        .api
        .post_new(
            "/v1/payment_intents",
            &manual("tok_test_decline_insufficient_funds"),
        )
        .await;
    let id = declined.body["error"]["details"]["payment_intent"]["id"]
        .as_str()
        .unwrap();
    let cancel = format!("/v1/payment_intents/{id}/cancel");
    let odd = s
        .api
        .post_new(
            &cancel,
            &json!({"cancellation_reason": "authorization_expired"}),
        )
        .await;
    assert_eq!((odd.status, odd.code()), (400, "invalid_request"));
    let c = s
        .api
        .post_new(&cancel, &json!({"cancellation_reason": "abandoned"}))
        .await;
    assert_eq!(
        (
            c.status,
            c.body["status"].as_str(),
            c.body["cancellation_reason"].as_str()
        ),
        (200, Some("canceled"), Some("abandoned"))
    );
    let busy = s
        .api
        .post_new("/v1/payment_intents", &manual("tok_test_delayed"))
        .await;
    let busy_id = busy.body["id"].as_str().unwrap();
    let no = s
        .api
        .post_new(&format!("/v1/payment_intents/{busy_id}/cancel"), &json!({}))
        .await;
    assert_eq!(
        (no.status, no.body["error"]["details"]["status"].as_str()),
        (409, Some("processing"))
    );
}
