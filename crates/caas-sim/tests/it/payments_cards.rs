//! One-time card tokens (`POST /v1/tokens` with the publishable key) and the
//! hosted card fields page, over real sockets: single use, lifetime, card
//! checks, test-card mapping, and the page's locale, parent origin and CSP.

use crate::support::http_harness::Client;
use crate::support::payments::{intent, sim, sim_with, Sim};
use caas_sim::payments::{luhn_valid, DEV_PUBLISHABLE_KEY};
use serde_json::{json, Value};

const PARENT: &str = "http://127.0.0.1:5173";

/// A Luhn-valid 16-digit visa number ending in `last4`.
fn card_ending(last4: &str) -> String {
    (0..10)
        .map(|d| format!("40000000000{d}{last4}"))
        .find(|n| luhn_valid(n))
        .unwrap()
}

/// A card expiring in December, five years from now.
fn card(number: &str) -> Value {
    json!({"number": number, "exp_month": 12, "exp_year": exp_year(), "cvc": "123"})
}

fn exp_year() -> i64 {
    i64::from(chrono::Datelike::year(&chrono::Utc::now())) + 5
}

fn browser(s: &Sim) -> Client {
    Client::new(&s.api.base, DEV_PUBLISHABLE_KEY)
}

async fn save(s: &Sim, token: &str) -> (u16, String, Value) {
    let r = s
        .api
        .post_new(
            "/v1/payment_methods",
            &json!({"customer_reference": "cus_ref_881", "token": token}),
        )
        .await;
    (r.status, r.code().to_owned(), r.body)
}

#[tokio::test]
async fn a_card_token_made_with_the_publishable_key_can_be_saved_exactly_once() {
    let s = sim().await;
    let t = browser(&s)
        .post_new("/v1/tokens", &card("4242 4242 4242 4242"))
        .await;
    assert_eq!(t.status, 201, "{:?}", t.body);
    let token = t.body["id"].as_str().unwrap();
    assert!(token.starts_with("tok_"));
    let c = &t.body["card"];
    assert_eq!(
        (
            c["brand"].as_str(),
            c["last4"].as_str(),
            c["exp_month"].as_i64(),
            c["exp_year"].as_i64()
        ),
        (Some("visa"), Some("4242"), Some(12), Some(exp_year()))
    );
    assert!(
        !t.body.to_string().contains("4242424242424242"),
        "no number echoed"
    );
    let (status, _, pm) = save(&s, token).await;
    assert_eq!((status, pm["card"]["last4"].as_str()), (201, Some("4242")));
    let (again, code, _) = save(&s, token).await;
    assert_eq!((again, code.as_str()), (422, "token_invalid"));
}

#[tokio::test]
async fn the_token_endpoint_wants_the_publishable_key_and_an_idempotency_key() {
    let s = sim().await;
    let secret = s
        .api
        .post_new("/v1/tokens", &card("4242424242424242"))
        .await;
    assert_eq!((secret.status, secret.code()), (401, "unauthenticated"));
    let keyless = browser(&s)
        .try_post("/v1/tokens", None, &card("4242424242424242"))
        .await
        .unwrap();
    assert_eq!(
        (keyless.status, keyless.code()),
        (400, "idempotency_key_required")
    );
    let same = browser(&s);
    let first = same
        .post("/v1/tokens", "k-1", &card("4242424242424242"))
        .await;
    let replay = same
        .post("/v1/tokens", "k-1", &card("4242424242424242"))
        .await;
    assert_eq!((replay.replayed(), &replay.body), (true, &first.body));
}

#[tokio::test]
async fn a_token_past_its_lifetime_is_refused_as_token_invalid() {
    let s = sim_with(|c| c.token_ttl_secs = 0).await;
    let t = browser(&s)
        .post_new("/v1/tokens", &card("4242424242424242"))
        .await;
    assert_eq!(t.status, 201);
    let (status, code, _) = save(&s, t.body["id"].as_str().unwrap()).await;
    assert_eq!((status, code.as_str()), (422, "token_invalid"));
}

#[tokio::test]
async fn a_bad_number_a_past_expiry_or_a_short_cvc_is_refused_with_its_code() {
    let s = sim().await;
    let b = browser(&s);
    let mut cases = vec![(card("4242424242424241"), "card_number_invalid")];
    let mut past = card("4242424242424242");
    past["exp_year"] = json!(exp_year() - 6);
    cases.push((past, "expiry_invalid"));
    let mut month = card("4242424242424242");
    month["exp_month"] = json!(13);
    cases.push((month, "expiry_invalid"));
    let mut cvc = card("4242424242424242");
    cvc["cvc"] = json!("12");
    cases.push((cvc, "cvc_invalid"));
    for (body, want) in cases {
        let r = b.post_new("/v1/tokens", &body).await;
        assert_eq!((r.status, r.code()), (422, want), "{body}");
    }
    assert_eq!(
        s.api.control_get("/_sim/stats").await["card_tokens_created"],
        0
    );
}

#[tokio::test]
async fn a_test_card_number_behaves_as_its_row_and_any_other_as_tok_test_ok() {
    let s = sim().await;
    let b = browser(&s);
    let funds = b.post_new("/v1/tokens", &card(&card_ending("9995"))).await;
    let (_, _, pm) = save(&s, funds.body["id"].as_str().unwrap()).await;
    let declined = s
        .api
        .post_new(
            "/v1/payment_intents",
            &intent(pm["id"].as_str().unwrap(), true),
        )
        .await;
    assert_eq!(
        (
            declined.status,
            declined.body["error"]["details"]["decline_code"].as_str()
        ),
        (402, Some("insufficient_funds"))
    );
    let other = b.post_new("/v1/tokens", &card("4111111111111111")).await;
    let token = other.body["id"].as_str().unwrap();
    let paid = s
        .api
        .post_new("/v1/payment_intents", &intent(token, true))
        .await;
    assert_eq!(
        (paid.status, paid.body["status"].as_str()),
        (201, Some("succeeded"))
    );
    let reused = s
        .api
        .post_new("/v1/payment_intents", &intent(token, true))
        .await;
    assert_eq!(
        (reused.status, reused.code()),
        (422, "payment_method_invalid")
    );
}

async fn page(s: &Sim, query: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let resp = reqwest::get(format!("{}/v1/hosted/card-fields?{query}", s.api.base))
        .await
        .unwrap();
    let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
    (status, headers, resp.text().await.unwrap())
}

#[tokio::test]
async fn the_hosted_page_speaks_the_locale_and_talks_only_to_its_parent_origin() {
    let s = sim().await;
    let q = |locale: &str| {
        format!("publishable_key={DEV_PUBLISHABLE_KEY}&locale={locale}&parent_origin={PARENT}")
    };
    let (status, headers, es) = page(&s, &q("es")).await;
    assert_eq!(status, 200);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    for label in [
        "Número de tarjeta",
        "Caducidad (MM/AA)",
        "Usar esta tarjeta",
    ] {
        assert!(es.contains(label), "{label}");
    }
    assert!(es.contains("El número de tarjeta no es válido."));
    assert!(es.contains(&format!("\"parentOrigin\":\"{PARENT}\"")));
    assert!(es.contains("postMessage(msg, CONFIG.parentOrigin)"));
    assert!(!es.contains("postMessage(msg, \"*\")"));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains(&format!("frame-ancestors {PARENT}")), "{csp}");
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    assert!(headers.get("x-frame-options").is_none());
    let (_, _, en) = page(&s, &q("en")).await;
    for text in [
        "Card number",
        "Use this card",
        "The CVC must have 3 or 4 digits.",
    ] {
        assert!(en.contains(text), "{text}");
    }
    assert!(!en.contains("Número de tarjeta"));
}

#[tokio::test]
async fn the_hosted_page_is_refused_without_a_valid_parent_origin_or_known_key() {
    let s = sim().await;
    let pk = DEV_PUBLISHABLE_KEY;
    for (query, field) in [
        (format!("publishable_key={pk}&locale=es"), "parent_origin"),
        (
            format!("publishable_key={pk}&parent_origin=*"),
            "parent_origin",
        ),
        (
            format!("publishable_key={pk}&parent_origin={PARENT}/pay"),
            "parent_origin",
        ),
        (
            format!("publishable_key=pk_other&parent_origin={PARENT}"),
            "publishable_key",
        ),
        (format!("parent_origin={PARENT}"), "publishable_key"),
        (
            format!("publishable_key={pk}&parent_origin={PARENT}&locale=fr"),
            "locale",
        ),
    ] {
        let (status, _, body) = page(&s, &query).await;
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (status, body["error"]["details"]["field"].as_str()),
            (400, Some(field)),
            "{query}"
        );
    }
}
