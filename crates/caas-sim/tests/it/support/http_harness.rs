//! Shared helpers of the payments and SMS simulator tests (`payments*`,
//! `sms.rs`): a webhook receiver that verifies Standard Webhooks signatures
//! on the raw bytes, a small JSON client and polling.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use caas_partners::webhooks::WebhookSecret;
use caas_sim::common::SimHandle;
use serde_json::Value;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

/// One webhook as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub signature_ok: bool,
    pub body: Value,
}

#[derive(Clone)]
struct RxState {
    secret: WebhookSecret,
    got: Arc<Mutex<Vec<Received>>>,
}

/// A webhook receiver on 127.0.0.1 checking signatures with `secret`.
pub struct Receiver {
    pub url: String,
    state: RxState,
    _server: SimHandle,
}

impl Receiver {
    pub async fn start(path: &str, secret: &str) -> Self {
        let state = RxState {
            secret: WebhookSecret::parse(secret).unwrap(),
            got: Arc::default(),
        };
        let app = Router::new()
            .route(path, post(receive))
            .with_state(state.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = caas_sim::common::serve(app, listener).unwrap();
        Self {
            url: format!("{}{path}", server.base_url),
            state,
            _server: server,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.got.lock().unwrap().clone()
    }

    /// Deduplicated events whose `data.<key>` is `id`, sorted by sequence.
    pub fn events_of(&self, key: &str, id: &str) -> Vec<Value> {
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<Value> = self
            .received()
            .into_iter()
            .filter(|r| r.body["data"][key] == id && seen.insert(r.id.clone()))
            .map(|r| r.body)
            .collect();
        out.sort_by_key(|e| e["data"]["sequence"].as_i64());
        out
    }

    /// Types of [`Receiver::events_of`], in sequence order.
    pub fn types_of(&self, key: &str, id: &str) -> Vec<String> {
        self.events_of(key, id)
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_string())
            .collect()
    }

    /// Waits until the events of `id` have exactly `types` (in sequence order).
    pub async fn wait_types(&self, key: &str, id: &str, types: &[&str]) {
        let ok = wait_until(Duration::from_secs(10), || async {
            self.types_of(key, id) == types
        })
        .await;
        assert!(
            ok,
            "events of {id}: {:?}, want {types:?}",
            self.types_of(key, id)
        );
    }
}

async fn receive(State(st): State<RxState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let now = chrono::Utc::now().timestamp();
    let signature_ok = st
        .secret
        .verify(
            h("webhook-id").as_deref(),
            h("webhook-timestamp").as_deref(),
            h("webhook-signature").as_deref(),
            &body,
            Some(now),
        )
        .is_ok();
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    assert_eq!(
        h("webhook-id").as_deref(),
        parsed["id"].as_str(),
        "webhook-id equals body id"
    );
    st.got.lock().unwrap().push(Received {
        id: h("webhook-id").unwrap_or_default(),
        signature_ok,
        body: parsed,
    });
    StatusCode::NO_CONTENT
}

/// Polls `cond` every 25 ms until true or `timeout`.
pub async fn wait_until<F, Fut>(timeout: Duration, mut cond: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if cond().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// An answer: status, headers, JSON body (`Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    pub fn replayed(&self) -> bool {
        self.headers
            .get("idempotent-replayed")
            .is_some_and(|v| v == "true")
    }
}

/// A JSON client of one simulator.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub api_key: String,
    pub http: reqwest::Client,
}

impl Client {
    pub fn new(base: &str, api_key: &str) -> Self {
        Self {
            base: base.to_string(),
            api_key: api_key.to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// The same client with a request timeout.
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        let http = reqwest::Client::builder().timeout(timeout).build().unwrap();
        Self {
            http,
            ..self.clone()
        }
    }

    /// `POST` with bearer auth and an optional `Idempotency-Key`.
    pub async fn try_post(
        &self,
        path: &str,
        key: Option<&str>,
        body: &Value,
    ) -> reqwest::Result<Answer> {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.api_key)
            .json(body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        into_answer(req.send().await?).await
    }

    pub async fn post(&self, path: &str, key: &str, body: &Value) -> Answer {
        self.try_post(path, Some(key), body).await.unwrap()
    }

    /// `POST` with a fresh idempotency key.
    pub async fn post_new(&self, path: &str, body: &Value) -> Answer {
        self.post(path, &uuid::Uuid::new_v4().to_string(), body)
            .await
    }

    pub async fn get(&self, path: &str) -> Answer {
        let req = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.api_key);
        into_answer(req.send().await.unwrap()).await.unwrap()
    }

    pub async fn delete(&self, path: &str) -> Answer {
        let req = self
            .http
            .delete(format!("{}{path}", self.base))
            .bearer_auth(&self.api_key);
        into_answer(req.send().await.unwrap()).await.unwrap()
    }

    /// `GET` of a control endpoint (no auth).
    pub async fn control_get(&self, path: &str) -> Value {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    /// `POST` of a control endpoint (no auth).
    pub async fn control_post(&self, path: &str, body: &Value) -> Value {
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap()
    }
}

async fn into_answer(resp: reqwest::Response) -> reqwest::Result<Answer> {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await?;
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    };
    Ok(Answer {
        status,
        headers,
        body,
    })
}
