//! Shared helpers of the factory simulator tests: a webhook receiver that
//! verifies Standard Webhooks signatures, a started simulator and a client.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use caas_partners::webhooks::WebhookSecret;
use caas_sim::common::SimHandle;
use caas_sim::factory::{self, FactorySim, FactorySimConfig, DEFAULT_API_KEY, DEV_WEBHOOK_SECRET};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
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

#[derive(Clone, Default)]
struct RxState {
    got: Arc<Mutex<Vec<Received>>>,
    fail_next: Arc<AtomicU32>,
    fail_status: Arc<AtomicU32>,
}

/// A webhook receiver on 127.0.0.1.
pub struct Receiver {
    pub url: String,
    state: RxState,
    _server: SimHandle,
}

impl Receiver {
    pub async fn start() -> Self {
        let state = RxState::default();
        let app = Router::new()
            .route("/webhooks/factory", post(receive))
            .with_state(state.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = caas_sim::common::serve(app, listener).unwrap();
        Self {
            url: format!("{}/webhooks/factory", server.base_url),
            state,
            _server: server,
        }
    }

    /// The next `n` deliveries are answered 500.
    pub fn fail_next(&self, n: u32) {
        self.answer_next(n, 500);
    }

    /// The next `n` deliveries are answered `status`.
    pub fn answer_next(&self, n: u32, status: u16) {
        self.state
            .fail_status
            .store(u32::from(status), Ordering::SeqCst);
        self.state.fail_next.store(n, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.got.lock().unwrap().clone()
    }

    /// Received events of one order, deduplicated by id, sorted by sequence.
    pub fn events_of(&self, order_id: &str) -> Vec<Value> {
        let mut seen = std::collections::HashSet::new();
        let mut evs: Vec<Value> = self
            .received()
            .into_iter()
            .filter(|r| r.body["data"]["factory_order_id"] == order_id && seen.insert(r.id.clone()))
            .map(|r| r.body)
            .collect();
        evs.sort_by_key(|e| e["data"]["sequence"].as_i64());
        evs
    }

    /// Waits until `pred` holds on the received list (10 s max).
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Received]) -> bool) {
        for _ in 0..400 {
            if pred(&self.received()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("timed out waiting for {what}; got {:#?}", self.received());
    }
}

async fn receive(State(st): State<RxState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let secret = WebhookSecret::parse(DEV_WEBHOOK_SECRET).unwrap();
    let now = chrono::Utc::now().timestamp();
    let signature_ok = secret
        .verify(
            h("webhook-id"),
            h("webhook-timestamp"),
            h("webhook-signature"),
            &body,
            Some(now),
        )
        .is_ok();
    let parsed: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        Some(parsed["id"].as_str().unwrap()),
        h("webhook-id"),
        "webhook-id equals body id"
    );
    st.got.lock().unwrap().push(Received {
        id: h("webhook-id").unwrap_or_default().to_owned(),
        signature_ok,
        body: parsed,
    });
    let failing = st
        .fail_next
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
    if failing.is_ok() {
        let code = u16::try_from(st.fail_status.load(Ordering::SeqCst)).unwrap();
        StatusCode::from_u16(code).unwrap()
    } else {
        StatusCode::NO_CONTENT
    }
}

/// A started simulator plus an HTTP client.
pub struct Sim {
    pub handle: SimHandle,
    pub ctl: FactorySim,
    pub http: reqwest::Client,
}

impl Sim {
    pub async fn start(webhook_url: Option<String>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let cfg = FactorySimConfig::for_tests(webhook_url);
        let (handle, ctl) = factory::start_with_control(cfg, listener).await.unwrap();
        Self {
            handle,
            ctl,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url)
    }

    /// POST /v1/orders with the given key and body.
    pub async fn create(&self, key: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url("/v1/orders"))
            .bearer_auth(DEFAULT_API_KEY)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let resp = self
            .http
            .get(self.url(path))
            .bearer_auth(DEFAULT_API_KEY)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        let resp = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "POST {path}: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    }

    pub async fn stats(&self) -> Value {
        self.get_json("/_sim/stats").await
    }

    /// Polls GET /v1/orders/{id} until its status is `status` (10 s max).
    pub async fn wait_status(&self, id: &str, status: &str) -> Value {
        for _ in 0..400 {
            let order = self.get_json(&format!("/v1/orders/{id}")).await;
            if order["status"] == status {
                return order;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("order {id} never reached {status}");
    }
}

/// A valid create body.
pub fn order_body(reference: &str) -> Value {
    json!({"order_reference": reference, "model_code": "SUV-E-26",
        "option_codes": ["HEAT_PUMP", "PANORAMIC_ROOF"], "dealership_id": "dlr_es_mad_001",
        "delivery": {"country": "ES", "locality": "Madrid", "postal_code": "28001"}})
}
