//! Shared helpers of the fleet simulator tests: a started simulator plus the
//! platform's real `FleetLink` (with a recording sink) on the same broker.

use caas_domain::fleet::{CommandOutcome, FleetApi, FleetCommand, FleetReply};
use caas_fleet::testing::{platform_id, wait_until, RecordingSink, TestBroker};
use caas_fleet::{FleetHandle, FleetLink};
use caas_sim::fleet::{self, FleetSim, FleetSimConfig};
use chrono::Utc;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

pub const WAIT: Duration = Duration::from_secs(5);

pub struct Env {
    pub sim: FleetSim,
    pub link: FleetHandle,
    pub sink: Arc<RecordingSink>,
    pub http: reqwest::Client,
    pub url: String,
}

pub async fn env(b: &TestBroker) -> Env {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut sim_cfg = FleetSimConfig::for_tests(&b.url);
    sim_cfg.vehicle_key = Some(caas_fleet::testing::TEST_VEHICLE_KEY.to_owned());
    let sim = fleet::start(sim_cfg, listener).await.unwrap();
    let id = platform_id();
    b.forget_later(&[&id], &[]);
    let sink = RecordingSink::new();
    let mut cfg = caas_fleet::testing::link_config(&b.url, &id);
    cfg.keep_alive = Duration::from_secs(5);
    let link = FleetLink::start(cfg, Arc::clone(&sink) as _).unwrap();
    assert!(link.wait_connected(WAIT).await, "platform link connected");
    let url = sim.handle.base_url.clone();
    Env {
        sim,
        link,
        sink,
        http: reqwest::Client::new(),
        url,
    }
}

impl Env {
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let resp = self
            .http
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let resp = self
            .http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// Adds an online vehicle with a fresh VIN (registered for cleanup);
    /// `extra` fields go into the request.
    pub async fn vehicle(&self, b: &TestBroker, extra: Value) -> String {
        let vin = caas_fleet::testing::vin();
        let state = format!("fleet/v1/{vin}/state");
        let presence = format!("fleet/v1/{vin}/presence");
        b.forget_later(&[&vin], &[&state, &presence]);
        let mut body = json!({"vin": vin});
        if let Value::Object(m) = extra {
            body.as_object_mut().unwrap().extend(m);
        }
        let (status, view) = self.post("/_sim/vehicles", body).await;
        assert_eq!(status, 201, "{view}");
        assert_eq!(view["online"], true, "vehicle online: {view}");
        vin
    }

    pub async fn view(&self, vin: &str) -> Value {
        let (status, v) = self.get(&format!("/_sim/vehicles/{vin}")).await;
        assert_eq!(status, 200);
        v
    }

    pub async fn faults(&self, vin: &str, body: Value) -> Value {
        let (status, v) = self
            .post(&format!("/_sim/vehicles/{vin}/faults"), body)
            .await;
        assert_eq!(status, 200, "{v}");
        v
    }

    pub async fn send(&self, vin: &str, cmd: &FleetCommand, wait: Duration) -> CommandOutcome {
        self.link.send_command(vin, cmd, wait).await.unwrap()
    }

    /// Sends and expects a final reply.
    pub async fn final_reply(&self, vin: &str, cmd: &FleetCommand) -> FleetReply {
        match self.send(vin, cmd, WAIT).await {
            CommandOutcome::Final(r) => r,
            other => panic!("expected a final reply to {}, got {other:?}", cmd.kind()),
        }
    }

    /// The final replies the sink saw for `command_id`.
    pub fn finals(&self, vin: &str, command_id: &str) -> Vec<FleetReply> {
        self.sink
            .replies(vin)
            .into_iter()
            .filter(|r| r.command_id == command_id && r.status.is_final())
            .collect()
    }

    pub async fn stats(&self) -> Value {
        self.get("/_sim/stats").await.1
    }

    pub async fn shutdown(self) {
        self.sim.shutdown().await;
        self.link.shutdown().await;
    }
}

/// Any command, as a misbehaving platform could publish it: the platform's
/// own code can only use the typed constructors, so the simulator's tests
/// build raw ones from the wire format.
pub fn command(kind: &str, params: Value) -> FleetCommand {
    command_at(
        kind,
        params,
        Utc::now(),
        Utc::now() + chrono::Duration::minutes(10),
    )
}

/// [`command`] with its `issued_at` and `expires_at`.
pub fn command_at(
    kind: &str,
    params: Value,
    issued_at: chrono::DateTime<Utc>,
    expires_at: chrono::DateTime<Utc>,
) -> FleetCommand {
    let id = format!("cmd_{}", uuid::Uuid::now_v7().simple());
    serde_json::from_value(serde_json::json!({"command_id": id, "type": kind,
        "issued_at": issued_at, "expires_at": expires_at, "params": params}))
    .expect("a command in the contract's shape")
}

pub fn enable(code: &str, valid_until: Option<chrono::DateTime<Utc>>) -> FleetCommand {
    command(
        "feature.enable",
        json!({"feature_code": code, "valid_until": valid_until}),
    )
}

pub fn link_key(key_id: &str) -> FleetCommand {
    command(
        "app.link",
        json!({"key_id": key_id, "public_key": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", "label": "phone"}),
    )
}

pub fn error_code(r: &FleetReply) -> &str {
    r.error.as_ref().map(|e| e.code.as_str()).unwrap_or("")
}

pub async fn eventually(what: &str, cond: impl FnMut() -> bool) {
    assert!(wait_until(WAIT, cond).await, "timed out waiting for {what}");
}
