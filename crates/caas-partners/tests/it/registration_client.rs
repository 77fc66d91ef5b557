//! Black-box tests of `RegistrationClient` against a small axum server that
//! answers canned contract responses and records the requests: paths under
//! a country prefix, no Idempotency-Key, and the classification of every
//! answer (201/200 success, 409 in-progress / 503 / 5xx / timeouts /
//! connection errors transient, 401/403 unauthorized, other 4xx rejected).

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use caas_domain::partners::CallError;
use caas_domain::partners_delivery::*;
use caas_partners::registration::{RegistrationClient, DEFAULT_TIMEOUT};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "reg_test_key_7f";
const REGISTRATION: &str = r#"{"registration_id": "reg_es_8H2K", "country": "ES", "authority": "DGT", "vin": "VSSZZZ5FZR6000123", "plate_number": "4821 LMB",
 "registration_date": "2026-05-11", "registered_at": "2026-05-11T08:14:03Z", "certificate_number": "ES-PC-2026-0091834",
 "owner_id_document": {"type": "dni", "number": "12345678Z", "issuing_country": "ES"}, "future_field": true}"#;

/// (method, uri, authorization, idempotency-key, body) of each request.
type Log = Arc<Mutex<Vec<(String, String, String, Option<String>, String)>>>;

/// Serves `status`, optional `Retry-After` and `body` after `delay`; returns the `/es` base URL.
async fn serve(
    status: u16,
    retry_after: Option<&'static str>,
    body: &str,
    delay: Duration,
) -> (String, Log) {
    let log: Log = Arc::default();
    let (log2, body) = (log.clone(), body.to_owned());
    let app = axum::Router::new().fallback(move |req: Request| {
        let (log, body) = (log2.clone(), body.clone());
        async move {
            let (parts, req_body) = req.into_parts();
            let bytes = axum::body::to_bytes(req_body, usize::MAX).await.unwrap();
            let header = |n: &str| parts.headers.get(n).map(|v| v.to_str().unwrap().to_owned());
            log.lock().unwrap().push((
                parts.method.to_string(),
                parts.uri.to_string(),
                header("authorization").unwrap_or_default(),
                header("idempotency-key"),
                String::from_utf8(bytes.to_vec()).unwrap(),
            ));
            tokio::time::sleep(delay).await;
            let mut resp = Response::builder()
                .status(status)
                .header("content-type", "application/json");
            if let Some(secs) = retry_after {
                resp = resp.header("retry-after", secs);
            }
            resp.body(Body::from(body)).unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/es"), log)
}

async fn client(
    status: u16,
    retry_after: Option<&'static str>,
    body: &str,
) -> (RegistrationClient, Log) {
    let (url, log) = serve(status, retry_after, body, Duration::ZERO).await;
    (
        RegistrationClient::new(&url, KEY, Duration::from_secs(5)).unwrap(),
        log,
    )
}

fn request() -> RegistrationRequest {
    let body = json!({"vin": "VSSZZZ5FZR6000123", "country": "ES",
     "owner": {"type": "individual", "id_document": {"type": "dni", "number": "12345678Z", "issuing_country": "ES"},
      "given_names": "Lucía", "family_names": "García Pérez", "birth_date": "1988-07-02",
      "address": {"line1": "Calle de Alcalá 120, 3º B", "postal_code": "28009", "locality": "Madrid", "region": "Madrid", "country": "ES"}},
     "vehicle": {"make": "CaaS Motors", "model_code": "SUV-E-26", "model_name": "Aurora SUV", "propulsion": "bev", "power_kw": 150,
      "mass_kg": 1980, "co2_g_km": 0, "colour": "blue", "completed_on": "2026-05-04", "coc_number": "COC-26-000123"},
     "dealership_id": "dlr_es_mad_001",
     "proof_of_payment": {"invoice_number": "F-2026-0456", "invoice_date": "2026-05-10", "total_amount": 4150000, "amount_paid": 4150000,
      "currency": "EUR", "paid_at": "2026-05-10T12:01:00Z", "payment_references": ["pi_1Res", "pi_9Fin"]},
     "documents": [{"type": "certificate_of_conformity", "reference": "doc_coc_123"}, {"type": "purchase_invoice", "reference": "doc_inv_456"},
      {"type": "owner_identity", "reference": "doc_id_789"}, {"type": "registration_tax_receipt", "reference": "doc_576_001"}]});
    serde_json::from_value(body).unwrap()
}

fn error(code: &str, details: Value) -> String {
    json!({"error": {"code": code, "message": "msg", "details": details}}).to_string()
}

#[tokio::test]
async fn register_posts_under_the_country_prefix_without_an_idempotency_key() {
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(90));
    for status in [201, 200] {
        let (client, log) = client(status, None, REGISTRATION).await;
        let reg = client.register(&request()).await.unwrap();
        assert_eq!(reg.plate_number, "4821 LMB");
        assert_eq!(reg.owner_id_document.kind, "dni");
        let seen = log.lock().unwrap().clone();
        let (method, uri, auth, idem, body) = &seen[0];
        assert_eq!(
            (method.as_str(), uri.as_str()),
            ("POST", "/es/v1/registrations")
        );
        assert_eq!(auth, &format!("Bearer {KEY}"));
        assert_eq!(idem, &None);
        let sent: Value = serde_json::from_str(body).unwrap();
        assert_eq!(sent, serde_json::to_value(request()).unwrap());
    }
}

#[tokio::test]
async fn register_classifies_retryable_answers_as_transient_with_retry_after() {
    let cases = [
        (
            409,
            Some("5"),
            error("registration_in_progress", Value::Null),
            Some(5),
        ),
        (
            503,
            Some("7200"),
            error("registry_unavailable", Value::Null),
            Some(7200),
        ),
        (500, None, error("internal_error", Value::Null), None),
        (502, None, "<html>bad gateway</html>".to_owned(), None),
        (429, Some("2"), error("rate_limited", Value::Null), Some(2)),
    ];
    for (status, retry_after, body, expected) in cases {
        let (client, _) = client(status, retry_after, &body).await;
        match client.register(&request()).await.unwrap_err() {
            RegistrationError::Call(CallError::Transient {
                retry_after_secs, ..
            }) => {
                assert_eq!(retry_after_secs, expected, "{status}")
            }
            other => panic!("{status}: expected transient, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn register_reports_rejections_with_code_and_details_and_credentials_as_unauthorized() {
    let details = json!({"missing": [{"type": "proof_of_payment", "reason": "not_fully_paid"}]});
    let (c, _) = client(422, None, &error("missing_document", details.clone())).await;
    let err = c.register(&request()).await.unwrap_err();
    assert_eq!(
        err,
        RegistrationError::Rejected {
            status: 422,
            code: "missing_document".into(),
            message: "msg".into(),
            details
        }
    );
    let conflict = json!({"registered_at": "2026-01-01T00:00:00Z"});
    let (c, _) = client(
        409,
        None,
        &error("vehicle_already_registered", conflict.clone()),
    )
    .await;
    match c.register(&request()).await.unwrap_err() {
        RegistrationError::Rejected {
            status: 409,
            code,
            details,
            ..
        } => {
            assert_eq!(
                (code.as_str(), details),
                ("vehicle_already_registered", conflict)
            )
        }
        other => panic!("{other:?}"),
    }
    let (c, _) = client(
        400,
        None,
        &error("invalid_request", json!({"field": "vin"})),
    )
    .await;
    assert!(matches!(
        c.register(&request()).await,
        Err(RegistrationError::Rejected { status: 400, .. })
    ));
    for status in [401, 403] {
        let (c, _) = client(status, None, &error("unauthenticated", Value::Null)).await;
        let err = c.register(&request()).await.unwrap_err();
        assert!(
            matches!(err, RegistrationError::Call(CallError::Unauthorized(_))),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn register_timeouts_and_connection_errors_are_transient() {
    let (url, _) = serve(201, None, REGISTRATION, Duration::from_secs(3)).await;
    let c = RegistrationClient::new(&url, KEY, Duration::from_millis(200)).unwrap();
    let err = c.register(&request()).await.unwrap_err();
    assert!(
        matches!(&err, RegistrationError::Call(CallError::Transient { message, .. }) if message.contains("timeout")),
        "{err:?}"
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}/es", listener.local_addr().unwrap());
    drop(listener);
    let c = RegistrationClient::new(&closed, KEY, Duration::from_secs(2)).unwrap();
    assert!(matches!(
        c.register(&request()).await,
        Err(RegistrationError::Call(CallError::Transient { .. }))
    ));
    assert!(RegistrationClient::new("not a url", KEY, DEFAULT_TIMEOUT).is_err());
}

#[tokio::test]
async fn find_by_vin_returns_the_first_registration_or_none() {
    let list = format!(r#"{{"data": [{REGISTRATION}]}}"#);
    let (c, log) = client(200, None, &list).await;
    let found = c.find_by_vin("VSSZZZ5FZR6000123").await.unwrap().unwrap();
    assert_eq!(found.registration_id, "reg_es_8H2K");
    let (method, uri, ..) = log.lock().unwrap()[0].clone();
    assert_eq!(
        (method.as_str(), uri.as_str()),
        ("GET", "/es/v1/registrations?vin=VSSZZZ5FZR6000123")
    );
    let (c, _) = client(200, None, r#"{"data": []}"#).await;
    assert_eq!(c.find_by_vin("VSSZZZ5FZR6000123").await.unwrap(), None);
    let (c, _) = client(503, Some("9"), &error("registry_unavailable", Value::Null)).await;
    let err = c.find_by_vin("VSSZZZ5FZR6000123").await.unwrap_err();
    assert!(
        matches!(
            err,
            CallError::Transient {
                retry_after_secs: Some(9),
                ..
            }
        ),
        "{err:?}"
    );
    let (c, _) = client(404, None, &error("registration_not_found", Value::Null)).await;
    assert_eq!(c.get_registration("reg_es_nope").await.unwrap(), None);
}
