//! Black-box tests of the factory, payments and SMS clients against small
//! axum servers that answer canned contract responses and record requests.

use axum::body::Body;
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::response::Response;
use caas_domain::partners::*;
use caas_partners::factory::FactoryClient;
use caas_partners::payments::PaymentsClient;
use caas_partners::sms::SmsClient;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "sk_test_SuperSecret_9f8e7d";
const T: Duration = Duration::from_secs(5);

/// One request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    uri: String,
    headers: HeaderMap,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// Serves `status`, `headers` and `body` to every request; returns the base URL.
async fn serve(status: u16, headers: &[(&'static str, &'static str)], body: &str) -> (String, Log) {
    let log: Log = Arc::default();
    let (log2, headers, body) = (log.clone(), headers.to_vec(), body.to_owned());
    let app = axum::Router::new().fallback(move |req: Request| {
        let (log, headers, body) = (log2.clone(), headers.clone(), body.clone());
        async move {
            let (parts, req_body) = req.into_parts();
            let bytes = axum::body::to_bytes(req_body, usize::MAX).await.unwrap();
            log.lock().unwrap().push(Seen {
                method: parts.method.to_string(),
                uri: parts.uri.to_string(),
                headers: parts.headers,
                body: String::from_utf8(bytes.to_vec()).unwrap(),
            });
            let mut resp = Response::builder()
                .status(status)
                .header("content-type", "application/json");
            for (k, v) in headers {
                resp = resp.header(k, v);
            }
            resp.body(Body::from(body)).unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), log)
}

fn seen(log: &Log) -> Vec<Seen> {
    log.lock().unwrap().clone()
}

async fn factory(
    status: u16,
    headers: &[(&'static str, &'static str)],
    body: &str,
) -> (FactoryClient, Log) {
    let (url, log) = serve(status, headers, body).await;
    (FactoryClient::new(&url, KEY, T).unwrap(), log)
}

mod factory_api;
mod payments_sms;
use factory_api::{order_request, ORDER};
use payments_sms::sms_request;

#[tokio::test]
async fn a_server_that_never_answers_is_transient_after_the_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (sock, _) = listener.accept().await.unwrap();
            held.push(sock); // read nothing, answer nothing
        }
    });
    let timeout = Duration::from_millis(400);
    let client = FactoryClient::new(&format!("http://{addr}"), KEY, timeout).unwrap();
    let start = Instant::now();
    let err = client
        .create_order(&order_request(), "k")
        .await
        .unwrap_err();
    let elapsed = start.elapsed();
    match &err {
        FactoryOrderError::Call(CallError::Transient { message, .. }) => {
            assert!(message.starts_with("timeout"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(
        elapsed >= timeout && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_transient() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = SmsClient::new(&format!("http://{addr}"), KEY, T).unwrap();
    let err = client.send_sms(&sms_request(), "k").await.unwrap_err();
    assert!(
        matches!(err, SmsError::Call(CallError::Transient { .. })),
        "{err:?}"
    );
}

#[test]
fn the_api_key_never_appears_in_debug_output() {
    let url = "http://127.0.0.1:9";
    let dbg = [
        format!("{:?}", FactoryClient::new(url, KEY, T).unwrap()),
        format!("{:?}", PaymentsClient::new(url, KEY, T).unwrap()),
        format!("{:?}", SmsClient::new(url, KEY, T).unwrap()),
    ];
    for d in dbg {
        assert!(!d.contains(KEY) && !d.contains("SuperSecret"), "{d}");
        assert!(d.contains("redacted"), "{d}");
    }
}

#[tokio::test]
async fn bad_configuration_and_bad_keys_are_refused_without_a_call() {
    assert!(FactoryClient::new("not a url", KEY, T).is_err());
    assert!(FactoryClient::new("mailto:x@example.com", KEY, T).is_err());
    let (client, log) = factory(201, &[], ORDER).await;
    let err = client
        .create_order(&order_request(), "bad\nkey")
        .await
        .unwrap_err();
    assert!(
        matches!(err, FactoryOrderError::Call(CallError::Refused { .. })),
        "{err:?}"
    );
    assert!(seen(&log).is_empty());
}
