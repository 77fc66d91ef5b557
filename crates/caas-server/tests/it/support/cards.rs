//! Cards as a native app gets them: a one-time token from the gateway
//! simulator's `POST /v1/tokens` (publishable key, never through caas), and
//! saving it through caas's `POST /api/v1/payment-methods`.

use super::app::*;
use super::journey::post_json;
use serde_json::{json, Value};

/// The publishable key of the embedded gateway simulator.
pub const PK: &str = "pk_test_caas";

/// A one-time `tok_…` for `number` (expiry 12/2030, CVC 123) from the gateway.
pub async fn card_token(t: &TestApp, number: &str) -> String {
    let gateway = t.sims.clone().expect("simulators").payments;
    let resp = client()
        .post(format!("{gateway}/v1/tokens"))
        .bearer_auth(PK)
        .header(
            "Idempotency-Key",
            format!("test-token-{}", uuid::Uuid::new_v4()),
        )
        .json(&json!({"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201, "the gateway issues a token");
    let body: Value = resp.json().await.unwrap();
    body["id"].as_str().expect("tok_…").to_owned()
}

/// Saves `number` for the owner of `token`; returns the status and the card.
pub async fn save_card(t: &TestApp, token: &str, number: &str) -> (u16, Value) {
    let tok = card_token(t, number).await;
    post_json(
        &t.url("/api/v1/payment-methods"),
        Some(token),
        &json!({"token": tok}),
    )
    .await
}
