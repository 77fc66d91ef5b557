//! End to end over sockets: the platform's Web Push client pushing to the
//! push service simulator, and the simulator's own checks and controls.

use caas_domain::partners::{CallError, PushApi, PushError, PushMessage, PushTarget};
use caas_partners::webpush::{VapidKeys, WebPushClient, WebPushConfig};
use caas_sim::common::SimHandle;
use caas_sim::push::{start, PushSimConfig};
use serde_json::{json, Value};
use std::time::Duration;

struct Env {
    sim: SimHandle,
    http: reqwest::Client,
    vapid: VapidKeys,
    client: WebPushClient,
}

async fn env() -> Env {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim = start(PushSimConfig::default(), listener).await.unwrap();
    let vapid = VapidKeys::generate();
    let cfg = WebPushConfig::from_base64url(
        &vapid.public_key(),
        &vapid.private_key(),
        "mailto:ops@caas.example",
    )
    .unwrap();
    let client = WebPushClient::new(cfg).unwrap();
    Env {
        sim,
        http: reqwest::Client::new(),
        vapid,
        client,
    }
}

impl Env {
    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        let url = format!("{}{path}", self.sim.base_url);
        self.http.post(url).json(&body).send().await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.sim.base_url);
        self.http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Subscribes a simulated browser; returns (id, target).
    async fn subscribe(&self, body: Value) -> (String, PushTarget) {
        let resp = self.post("/_sim/subscriptions", body).await;
        assert_eq!(resp.status(), 201);
        let sub: Value = resp.json().await.unwrap();
        let endpoint = sub["endpoint"].as_str().unwrap().to_owned();
        assert!(sub["expirationTime"].is_null());
        let id = endpoint.rsplit('/').next().unwrap().to_owned();
        let target = PushTarget {
            endpoint,
            p256dh: sub["keys"]["p256dh"].as_str().unwrap().to_owned(),
            auth: sub["keys"]["auth"].as_str().unwrap().to_owned(),
        };
        (id, target)
    }
}

fn msg(payload: &Value, topic: Option<&str>) -> PushMessage {
    PushMessage {
        payload: serde_json::to_vec(payload).unwrap(),
        ttl_secs: 86400,
        urgency: "normal",
        topic: topic.map(str::to_owned),
    }
}

fn payload() -> Value {
    json!({"notification_id": "ntf_5512", "category": "delivery",
           "title": "Tu vehículo llega mañana", "body": "Entrega entre 15:00 y 19:00.",
           "url": "/orders/ord_2026_000123", "created_at": "2026-05-13T10:56:00Z"})
}

#[tokio::test]
async fn a_pushed_message_is_stored_by_the_simulator_exactly_as_sent_with_its_headers() {
    let e = env().await;
    let (id, target) = e.subscribe(json!({})).await;
    assert!(target
        .endpoint
        .starts_with(&format!("{}/push/", e.sim.base_url)));
    e.client
        .push(&target, &msg(&payload(), Some("order-ord2026000123")))
        .await
        .unwrap();

    let got = e.get(&format!("/_sim/subscriptions/{id}/messages")).await;
    let m = &got["messages"][0];
    assert_eq!(m["payload"], payload());
    assert_eq!(m["ttl"], 86400);
    assert_eq!(m["urgency"], "normal");
    assert_eq!(m["topic"], "order-ord2026000123");
    assert_eq!(m["vapid_public_key"], e.vapid.public_key());
    assert_eq!(m["vapid_subject"], "mailto:ops@caas.example");
    let stats = e.get("/_sim/stats").await;
    assert_eq!(stats["counters"]["accepted"], 1);
    assert_eq!(stats["messages_stored"], 1);
    e.sim.shutdown().await;
}

#[tokio::test]
async fn a_subscription_marked_gone_deleted_or_unknown_makes_the_client_report_gone() {
    let e = env().await;
    let (id, target) = e.subscribe(Value::Null).await;
    assert_eq!(
        e.post(&format!("/_sim/subscriptions/{id}/gone"), json!({}))
            .await
            .status(),
        204
    );
    assert_eq!(
        e.client.push(&target, &msg(&payload(), None)).await,
        Err(PushError::Gone)
    );
    let unknown = PushTarget {
        endpoint: format!("{}/push/sub_nope", e.sim.base_url),
        ..target
    };
    assert_eq!(
        e.client.push(&unknown, &msg(&payload(), None)).await,
        Err(PushError::Gone)
    );
    let (deleted, target) = e.subscribe(json!({})).await;
    let url = format!("{}/_sim/subscriptions/{deleted}", e.sim.base_url);
    assert_eq!(e.http.delete(url).send().await.unwrap().status(), 204);
    assert_eq!(
        e.client.push(&target, &msg(&payload(), None)).await,
        Err(PushError::Gone)
    );
    assert_eq!(
        e.get("/_sim/stats").await["counters"]["by_status"]["410"],
        3
    );
    e.sim.shutdown().await;
}

#[tokio::test]
async fn an_unavailable_push_service_is_a_transient_error_until_the_scenario_runs_out() {
    let e = env().await;
    let (id, target) = e.subscribe(json!({})).await;
    let resp = e
        .post(
            "/_sim/scenario",
            json!({"unavailable_for_next_requests": 1, "retry_after_secs": 5}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    match e.client.push(&target, &msg(&payload(), None)).await {
        Err(PushError::Call(CallError::Transient {
            retry_after_secs, ..
        })) => {
            assert_eq!(retry_after_secs, Some(5))
        }
        other => panic!("{other:?}"),
    }
    e.client
        .push(&target, &msg(&payload(), None))
        .await
        .unwrap();
    let got = e.get(&format!("/_sim/subscriptions/{id}/messages")).await;
    assert_eq!(got["messages"].as_array().unwrap().len(), 1);
    e.sim.shutdown().await;
}

#[tokio::test]
async fn a_rate_limited_push_is_transient_with_the_retry_after_of_the_simulator() {
    let e = env().await;
    let (_, target) = e.subscribe(json!({})).await;
    e.post(
        "/_sim/scenario",
        json!({"rate_limited_for_next_requests": 1, "retry_after_secs": 9}),
    )
    .await;
    match e.client.push(&target, &msg(&payload(), None)).await {
        Err(PushError::Call(CallError::Transient {
            retry_after_secs, ..
        })) => {
            assert_eq!(retry_after_secs, Some(9))
        }
        other => panic!("{other:?}"),
    }
    e.sim.shutdown().await;
}

#[tokio::test]
async fn a_subscription_restricted_to_another_vapid_key_refuses_the_push() {
    let e = env().await;
    let other = VapidKeys::generate().public_key();
    let (_, target) = e.subscribe(json!({"application_server_key": other})).await;
    assert!(matches!(
        e.client.push(&target, &msg(&payload(), None)).await,
        Err(PushError::Refused(_))
    ));
    let (_, mine) = e
        .subscribe(json!({"application_server_key": e.vapid.public_key()}))
        .await;
    e.client.push(&mine, &msg(&payload(), None)).await.unwrap();
    e.sim.shutdown().await;
}

#[tokio::test]
async fn the_push_endpoint_rejects_requests_without_valid_vapid_ttl_or_encoding() {
    let e = env().await;
    let (_, target) = e.subscribe(json!({})).await;
    let auth = e.vapid.authorization(
        &e.sim.base_url,
        "mailto:ops@caas.example",
        chrono::Utc::now().timestamp(),
    );
    let send =
        |auth: Option<String>, ttl: Option<&'static str>, enc: &'static str, body: Vec<u8>| {
            let mut req = e
                .http
                .post(&target.endpoint)
                .header("content-encoding", enc)
                .body(body);
            if let Some(a) = auth {
                req = req.header("authorization", a);
            }
            if let Some(t) = ttl {
                req = req.header("ttl", t);
            }
            async move { req.send().await.unwrap().status().as_u16() }
        };
    assert_eq!(send(None, Some("60"), "aes128gcm", vec![0; 100]).await, 401);
    let tampered = auth.replacen("t=", "t=x", 1);
    assert_eq!(
        send(Some(tampered), Some("60"), "aes128gcm", vec![0; 100]).await,
        401
    );
    let wrong_aud = e.vapid.authorization(
        "https://push.example.net",
        "mailto:a@b.c",
        chrono::Utc::now().timestamp(),
    );
    assert_eq!(
        send(Some(wrong_aud), Some("60"), "aes128gcm", vec![0; 100]).await,
        401
    );
    assert_eq!(
        send(Some(auth.clone()), None, "aes128gcm", vec![0; 100]).await,
        400
    );
    assert_eq!(
        send(Some(auth.clone()), Some("60"), "aesgcm", vec![0; 100]).await,
        400
    );
    assert_eq!(
        send(Some(auth.clone()), Some("60"), "aes128gcm", vec![0; 4097]).await,
        413
    );
    assert_eq!(
        send(Some(auth), Some("60"), "aes128gcm", vec![0; 100]).await,
        400
    );
    e.sim.shutdown().await;
}

#[tokio::test]
async fn a_slow_simulator_makes_a_client_with_a_short_timeout_report_a_transient_error() {
    let e = env().await;
    let (_, target) = e.subscribe(json!({})).await;
    e.post("/_sim/scenario", json!({"response_delay_ms": 1500}))
        .await;
    let mut cfg = WebPushConfig::from_base64url(
        &e.vapid.public_key(),
        &e.vapid.private_key(),
        "mailto:a@b.c",
    )
    .unwrap();
    cfg.timeout = Duration::from_millis(300);
    let slow = WebPushClient::new(cfg).unwrap();
    assert!(matches!(
        slow.push(&target, &msg(&payload(), None)).await,
        Err(PushError::Call(CallError::Transient { .. }))
    ));
    e.sim.shutdown().await;
}
