//! Cards as a native app gets them: a one-time token from the gateway
//! simulator's `POST /v1/tokens` (publishable key, never through caas),
//! saving, listing and deleting through caas's `/api/v1/payment-methods`,
//! and what a payment page must show of the gateway's hosted card fields.

use super::app::*;
use super::journey::{get_json, post_json};
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

/// `DELETE /api/v1/payment-methods/{id}` as the owner of `token`; the status.
pub async fn delete_card(t: &TestApp, token: &str, id: &str) -> u16 {
    client()
        .delete(t.url(&format!("/api/v1/payment-methods/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The saved cards of the owner of `token`.
pub async fn list_cards(t: &TestApp, token: &str) -> Vec<Value> {
    let v = get_json(&t.url("/api/v1/payment-methods"), Some(token)).await;
    v.as_array().expect("a list").clone()
}

/// The gateway's origin and what the page's iframe must name.
pub fn gateway(t: &TestApp) -> String {
    t.sims
        .clone()
        .unwrap()
        .payments
        .trim_end_matches('/')
        .to_owned()
}

/// The page embeds the fields for caas's origin, frames the gateway only
/// and has no text input of its own for a card or token.
pub fn assert_embeds_the_gateway_fields(t: &TestApp, csp: &str, html: &str) {
    let gw = gateway(t);
    assert!(
        csp.contains(&format!("frame-src {gw}")) && !csp.contains("frame-src *"),
        "{csp}"
    );
    let parent: String = form_urlencoded::byte_serialize(t.address.as_bytes()).collect();
    let src = format!("src=\"{gw}/v1/hosted/card-fields?publishable_key={PK}&#38;locale=es&#38;parent_origin={parent}\"");
    assert!(html.contains(&src), "iframe {src} in {html}");
    assert!(
        html.contains(&format!("data-gateway-origin=\"{gw}\"")),
        "{html}"
    );
    assert!(html.contains("src=\"/static/card-fields.js\""), "{html}");
    assert!(
        html.contains(
            "<input type=\"hidden\" name=\"payment_method\" id=\"card-token\" value=\"\">"
        ),
        "{html}"
    );
    for typed in ["placeholder=\"tok_", "name=\"test_token\"", "tok_test_ok"] {
        assert!(!html.contains(typed), "no typed token ({typed}): {html}");
    }
}

/// GETs `path` (200 expected): the CSP and the HTML.
pub async fn page_with_csp(c: &reqwest::Client, t: &TestApp, path: &str) -> (String, String) {
    let r = c.get(t.url(path)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{path}");
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    (csp, r.text().await.unwrap())
}
