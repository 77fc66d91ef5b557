//! Shared helpers of the carrier simulator tests: a webhook receiver that
//! verifies Standard Webhooks signatures, a started simulator with the
//! platform's `TransportClient`, and a valid booking request.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use caas_domain::partners_delivery::{
    PartnerAddress, ReturnDealership, Shipment, ShipmentDestination, ShipmentPickup,
    ShipmentRecipient, ShipmentRequest, TransportApi,
};
use caas_partners::transport::TransportClient;
use caas_partners::webhooks::WebhookSecret;
use caas_sim::carrier::{self, CarrierSim, CarrierSimConfig, DEFAULT_API_KEY, DEV_WEBHOOK_SECRET};
use caas_sim::common::SimHandle;
use chrono::{Duration as Days, Utc};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

/// One webhook as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub signature_ok: bool,
    /// Exact body text.
    pub raw: String,
    pub body: Value,
}

/// A webhook receiver on 127.0.0.1 (`POST /webhooks/transport`).
pub struct Receiver {
    pub url: String,
    got: Arc<Mutex<Vec<Received>>>,
    _server: SimHandle,
}

impl Receiver {
    pub async fn start() -> Self {
        let got = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/webhooks/transport", post(receive))
            .with_state(Arc::clone(&got));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = caas_sim::common::serve(app, listener).unwrap();
        Self {
            url: format!("{}/webhooks/transport", server.base_url),
            got,
            _server: server,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Received events of one shipment, deduplicated by id, sorted by sequence.
    pub fn events_of(&self, shipment_id: &str) -> Vec<Received> {
        let mut seen = HashSet::new();
        let mut evs: Vec<Received> = self
            .received()
            .into_iter()
            .filter(|r| r.body["data"]["shipment_id"] == shipment_id && seen.insert(r.id.clone()))
            .collect();
        evs.sort_by_key(|r| r.body["data"]["sequence"].as_i64());
        evs
    }

    /// Waits until `n` distinct events of the shipment arrived (10 s max).
    pub async fn wait_events(&self, shipment_id: &str, n: usize) -> Vec<Received> {
        for _ in 0..400 {
            let evs = self.events_of(shipment_id);
            if evs.len() >= n {
                return evs;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "timed out waiting for {n} events; got {:#?}",
            self.received()
        );
    }
}

/// The `type` of each event.
pub fn types<'a>(events: impl Iterator<Item = &'a Value>) -> Vec<String> {
    events
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

async fn receive(
    State(got): State<Arc<Mutex<Vec<Received>>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let secret = WebhookSecret::parse(DEV_WEBHOOK_SECRET).unwrap();
    let now = Utc::now().timestamp();
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
        parsed["id"].as_str(),
        h("webhook-id"),
        "webhook-id equals body id"
    );
    got.lock().unwrap().push(Received {
        id: h("webhook-id").unwrap_or_default().to_owned(),
        signature_ok,
        raw: String::from_utf8(body.to_vec()).unwrap(),
        body: parsed,
    });
    StatusCode::NO_CONTENT
}

/// A started simulator, its control handle and the platform's client.
pub struct Sim {
    pub handle: SimHandle,
    pub ctl: CarrierSim,
    pub client: TransportClient,
    pub http: reqwest::Client,
}

impl Sim {
    pub async fn start(webhook_url: Option<String>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let cfg = CarrierSimConfig::for_tests(webhook_url);
        let (handle, ctl) = carrier::start_with_control(cfg, listener).await.unwrap();
        let client =
            TransportClient::new(&handle.base_url, DEFAULT_API_KEY, Duration::from_secs(5))
                .unwrap();
        Self {
            handle,
            ctl,
            client,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url)
    }

    /// POST to a `/_sim` control; asserts 2xx.
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

    /// Books `req` with a fresh key; panics unless it succeeds.
    pub async fn book(&self, req: &ShipmentRequest) -> Shipment {
        self.client
            .book(req, &uuid::Uuid::new_v4().to_string())
            .await
            .unwrap()
    }

    /// Polls the shipment until its status is `status` (10 s max).
    pub async fn wait_status(&self, id: &str, status: &str) -> Shipment {
        for _ in 0..400 {
            let s = self.client.get_shipment(id).await.unwrap().unwrap();
            if s.status == status {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("shipment {id} never reached {status}");
    }
}

/// A VIN made unique by `n`.
pub fn vin(n: u32) -> String {
    format!("VSSZZZ5FZR6{n:06}")
}

fn address(line1: &str, postal_code: &str) -> PartnerAddress {
    PartnerAddress {
        line1: line1.into(),
        line2: None,
        postal_code: postal_code.into(),
        locality: "Madrid".into(),
        region: None,
        country: "ES".into(),
    }
}

/// A valid booking (the contract's example), pickup two days ahead.
pub fn request(reference: &str, vin: &str) -> ShipmentRequest {
    ShipmentRequest {
        shipment_reference: reference.into(),
        vin: vin.into(),
        plate_number: "4821 LMB".into(),
        pickup: ShipmentPickup {
            kind: "dealership".into(),
            location_id: "dlr_es_mad_001".into(),
            address: address("Av. de América 40", "28028"),
        },
        destination: ShipmentDestination {
            address: address("Calle de Alcalá 120, 3º B", "28009"),
            contact_name: "Lucía García Pérez".into(),
            contact_phone: "+34612345678".into(),
        },
        recipient: ShipmentRecipient {
            name: "Lucía García Pérez".into(),
            id_document_type: "dni".into(),
            id_document_number: "12345678Z".into(),
        },
        return_dealership: ReturnDealership {
            dealership_id: "dlr_es_mad_001".into(),
            address: address("Av. de América 40", "28028"),
        },
        earliest_pickup_at: Utc::now() + Days::days(2),
        preferred_delivery_window: None,
        notes: None,
    }
}
