//! Helpers of the VSS simulator tests: a started simulator with its
//! controls, the platform's `VssClient`, and the contract's example fixture.

use caas_partners::vss::{VssAnswer, VssClient};
use caas_sim::common::SimHandle;
use caas_sim::vss::{self, VssSimConfig, DEFAULT_API_KEY};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpListener;

pub const VIN: &str = "VSSZZZ5FZR6000123";
pub const T: Duration = Duration::from_secs(5);

pub struct Sim {
    pub handle: SimHandle,
    pub http: reqwest::Client,
}

impl Sim {
    pub async fn start(cfg: VssSimConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let handle = vss::start(cfg, listener).await.unwrap();
        Self {
            handle,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url)
    }

    pub fn client(&self, timeout: Duration) -> VssClient {
        VssClient::new(&self.handle.base_url, DEFAULT_API_KEY, timeout).unwrap()
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
        let resp = self
            .http
            .request(method, self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        let (status, value) = self.send(reqwest::Method::POST, path, body).await;
        assert_eq!(status, 200, "{path}: {value}");
        value
    }

    pub async fn preset(&self, vin: &str, preset: &str) -> Value {
        self.control(
            &format!("/_sim/vehicles/{vin}/preset"),
            json!({ "preset": preset }),
        )
        .await
    }

    pub async fn stats(&self) -> Value {
        self.http
            .get(self.url("/_sim/stats"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

pub fn fresh<T: std::fmt::Debug>(answer: VssAnswer<T>) -> (T, String) {
    match answer {
        VssAnswer::Fresh {
            body,
            etag,
            max_age_secs,
        } => {
            assert_eq!(max_age_secs, Some(900));
            (body, etag.expect("an ETag"))
        }
        other => panic!("expected a fresh answer, got {other:?}"),
    }
}

pub fn contract_example() -> Value {
    json!({
      "visits": [{"visit_id": "vis_41A7", "date": "2027-05-20", "odometer_km": 19870, "plan_service": true,
        "workshop": {"workshop_id": "wks_es_0042", "name": "Taller Oficial Chamartín", "network": "official", "country": "ES", "locality": "Madrid"},
        "operations": [{"code": "BRK-PAD-F", "description": "Front brake pads replaced", "functional_block": "brakes"},
                       {"code": "ADAS-CAL", "description": "Front radar calibration", "functional_block": "adas_sensors"}],
        "functional_blocks": ["brakes", "adas_sensors"], "future_field": 1}],
      "compliance": {"evaluated_at": "2027-06-02T10:00:00Z", "odometer_km": 21450,
        "maintenance_plan_up_to_date": false, "warranty_valid": false, "warranty_void_reason": "maintenance_overdue",
        "warranty_expires_on": "2031-05-13",
        "blocks": [
          {"block": "brakes", "compliance_percent": 100, "status": "ok", "last_service_date": "2027-05-20", "next_due_date": "2028-05-20", "next_due_odometer_km": 40000},
          {"block": "battery", "compliance_percent": 50, "status": "overdue", "last_service_date": null, "next_due_date": "2027-05-13", "next_due_odometer_km": 20000},
          {"block": "teleporter", "compliance_percent": 0, "status": "ok"}]}
    })
}
