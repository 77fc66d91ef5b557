//! The Web Push client against a scripted fake push service on a real
//! socket: the headers and body it sends, and how answers are classified.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use caas_domain::partners::{CallError, PushApi, PushError, PushMessage, PushTarget};
use caas_partners::webpush::{
    verify_authorization, UserAgentKeys, VapidKeys, WebPushClient, WebPushConfig,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Default)]
struct Fake {
    status: u16,
    retry_after: Option<&'static str>,
    delay: Duration,
    seen: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
}

async fn handle(State(f): State<Fake>, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    f.seen.lock().unwrap().push((headers, body));
    tokio::time::sleep(f.delay).await;
    let mut resp = StatusCode::from_u16(f.status).unwrap().into_response();
    if let Some(ra) = f.retry_after {
        resp.headers_mut()
            .insert("retry-after", ra.parse().unwrap());
    }
    resp
}

async fn serve(fake: Fake) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/wpush/{id}", post(handle))
        .with_state(fake);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn client(vapid: &VapidKeys, timeout: Duration) -> WebPushClient {
    let mut cfg = WebPushConfig::from_base64url(
        &vapid.public_key(),
        &vapid.private_key(),
        "mailto:ops@caas.example",
    )
    .unwrap();
    cfg.timeout = timeout;
    WebPushClient::new(cfg).unwrap()
}

fn target(base: &str, ua: &UserAgentKeys) -> PushTarget {
    PushTarget {
        endpoint: format!("{base}/wpush/abc123"),
        p256dh: ua.p256dh(),
        auth: ua.auth(),
    }
}

fn message(payload: &[u8], topic: Option<&str>) -> PushMessage {
    PushMessage {
        payload: payload.to_vec(),
        ttl_secs: 86400,
        urgency: "high",
        topic: topic.map(str::to_owned),
    }
}

async fn push_with_status(status: u16, retry_after: Option<&'static str>) -> Result<(), PushError> {
    let fake = Fake {
        status,
        retry_after,
        ..Fake::default()
    };
    let base = serve(fake).await;
    let ua = UserAgentKeys::generate();
    client(&VapidKeys::generate(), Duration::from_secs(10))
        .push(&target(&base, &ua), &message(b"{}", None))
        .await
}

#[tokio::test]
async fn the_client_sends_the_contract_headers_and_a_body_the_subscriber_can_decrypt() {
    let fake = Fake {
        status: 201,
        ..Fake::default()
    };
    let base = serve(fake.clone()).await;
    let vapid = VapidKeys::generate();
    let ua = UserAgentKeys::generate();
    let payload = br#"{"notification_id":"ntf_5512","title":"Tu vehiculo llega manana"}"#;
    let c = client(&vapid, Duration::from_secs(10));
    assert_eq!(c.vapid_public_key(), vapid.public_key());
    c.push(
        &target(&base, &ua),
        &message(payload, Some("order-ord2026000123")),
    )
    .await
    .unwrap();

    let seen = fake.seen.lock().unwrap();
    let (h, body) = &seen[0];
    let get = |n: &str| h.get(n).unwrap().to_str().unwrap().to_owned();
    assert_eq!(get("ttl"), "86400");
    assert_eq!(get("urgency"), "high");
    assert_eq!(get("topic"), "order-ord2026000123");
    assert_eq!(get("content-encoding"), "aes128gcm");
    assert_eq!(get("content-type"), "application/octet-stream");
    let now = chrono::Utc::now().timestamp();
    let (claims, k) = verify_authorization(&get("authorization"), &base, now).unwrap();
    assert_eq!(k, vapid.public_key());
    assert_eq!(claims.sub.as_deref(), Some("mailto:ops@caas.example"));
    assert!((claims.exp - now - 12 * 3600).abs() < 60);
    assert_eq!(ua.decrypt(body).unwrap(), payload);
}

#[tokio::test]
async fn no_topic_header_is_sent_when_the_message_has_none() {
    let fake = Fake {
        status: 201,
        ..Fake::default()
    };
    let base = serve(fake.clone()).await;
    let ua = UserAgentKeys::generate();
    client(&VapidKeys::generate(), Duration::from_secs(10))
        .push(&target(&base, &ua), &message(b"{}", None))
        .await
        .unwrap();
    assert!(fake.seen.lock().unwrap()[0].0.get("topic").is_none());
}

#[tokio::test]
async fn oversize_payloads_and_invalid_headers_are_refused_before_anything_is_sent() {
    let fake = Fake {
        status: 201,
        ..Fake::default()
    };
    let base = serve(fake.clone()).await;
    let ua = UserAgentKeys::generate();
    let c = client(&VapidKeys::generate(), Duration::from_secs(10));
    let t = target(&base, &ua);
    let big = vec![b'a'; 3994];
    assert!(matches!(
        c.push(&t, &message(&big, None)).await,
        Err(PushError::Refused(_))
    ));
    let bad_topic = message(b"{}", Some("has spaces"));
    assert!(matches!(
        c.push(&t, &bad_topic).await,
        Err(PushError::Refused(_))
    ));
    let mut bad_urgency = message(b"{}", None);
    bad_urgency.urgency = "urgent";
    assert!(matches!(
        c.push(&t, &bad_urgency).await,
        Err(PushError::Refused(_))
    ));
    let bad_keys = PushTarget {
        p256dh: "AAAA".into(),
        ..t.clone()
    };
    assert!(matches!(
        c.push(&bad_keys, &message(b"{}", None)).await,
        Err(PushError::Refused(_))
    ));
    assert!(fake.seen.lock().unwrap().is_empty());
    let exact = vec![b'a'; 3993];
    c.push(&t, &message(&exact, None)).await.unwrap();
    assert_eq!(fake.seen.lock().unwrap()[0].1.len(), 4096);
}

#[tokio::test]
async fn a_404_or_410_answer_means_the_subscription_is_gone() {
    assert_eq!(push_with_status(404, None).await, Err(PushError::Gone));
    assert_eq!(push_with_status(410, None).await, Err(PushError::Gone));
}

#[tokio::test]
async fn a_400_401_403_or_413_answer_is_a_refusal() {
    for s in [400, 401, 403, 413] {
        assert!(
            matches!(push_with_status(s, None).await, Err(PushError::Refused(_))),
            "{s}"
        );
    }
}

#[tokio::test]
async fn a_429_answer_is_transient_and_carries_its_retry_after() {
    match push_with_status(429, Some("30")).await {
        Err(PushError::Call(CallError::Transient {
            retry_after_secs, ..
        })) => {
            assert_eq!(retry_after_secs, Some(30))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_5xx_answer_is_transient() {
    for s in [500, 502, 503, 504] {
        assert!(
            matches!(
                push_with_status(s, None).await,
                Err(PushError::Call(CallError::Transient { .. }))
            ),
            "{s}"
        );
    }
}

#[tokio::test]
async fn a_push_service_slower_than_the_timeout_is_a_transient_error() {
    let fake = Fake {
        status: 201,
        delay: Duration::from_secs(3),
        ..Fake::default()
    };
    let base = serve(fake).await;
    let ua = UserAgentKeys::generate();
    let err = client(&VapidKeys::generate(), Duration::from_millis(300))
        .push(&target(&base, &ua), &message(b"{}", None))
        .await;
    assert!(
        matches!(err, Err(PushError::Call(CallError::Transient { .. }))),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unreachable_push_service_is_a_transient_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let ua = UserAgentKeys::generate();
    let err = client(&VapidKeys::generate(), Duration::from_secs(2))
        .push(&target(&base, &ua), &message(b"{}", None))
        .await;
    assert!(
        matches!(err, Err(PushError::Call(CallError::Transient { .. }))),
        "{err:?}"
    );
}
