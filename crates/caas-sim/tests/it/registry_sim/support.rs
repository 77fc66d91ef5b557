//! Helpers of the registry simulator tests: a started simulator, the
//! platform's `RegistrationClient` pointed at one of its countries, and a
//! valid request per country.

use caas_domain::partners::CallError;
use caas_domain::partners_delivery::*;
use caas_partners::registration::RegistrationClient;
use caas_sim::common::SimHandle;
use caas_sim::registry::{self, country_base_url, RegistrySimConfig, DEFAULT_API_KEY};
use chrono::{Months, Utc};
use serde_json::Value;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;

pub const T: Duration = Duration::from_secs(10);

/// A running simulator.
pub struct Sim {
    pub handle: SimHandle,
    pub http: reqwest::Client,
}

impl Sim {
    pub async fn start() -> Self {
        Self::with(RegistrySimConfig::default()).await
    }

    pub async fn with(cfg: RegistrySimConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let handle = registry::start(cfg, listener).await.unwrap();
        Self {
            handle,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url)
    }

    /// The platform client of country `cc`.
    pub fn client(&self, cc: &str) -> RegistrationClient {
        self.client_with(cc, T)
    }

    pub fn client_with(&self, cc: &str, timeout: Duration) -> RegistrationClient {
        let base = country_base_url(&self.handle.base_url, cc);
        RegistrationClient::new(&base, DEFAULT_API_KEY, timeout).unwrap()
    }

    /// POSTs a `/_sim/…` control and returns its JSON answer.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let resp = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "control {path}");
        resp.json().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let resp = self.http.get(self.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "GET {path}");
        resp.json().await.unwrap()
    }

    pub async fn stats(&self) -> Value {
        self.get_json("/_sim/stats").await
    }

    /// A raw authenticated POST to `/{cc}/v1/registrations`.
    pub async fn post_raw(&self, cc: &str, body: &Value) -> (u16, Value) {
        let resp = self
            .http
            .post(self.url(&format!("/{cc}/v1/registrations")))
            .bearer_auth(DEFAULT_API_KEY)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

static NEXT_VIN: AtomicU32 = AtomicU32::new(1);

/// A fresh contract VIN.
pub fn vin() -> String {
    let n = NEXT_VIN.fetch_add(1, Ordering::SeqCst);
    format!("VSSZZZ5FZR{n:07}")
}

/// A national document of an adult individual of `cc`.
pub fn id_document(cc: &str) -> RegistryIdDocument {
    let (kind, number) = match cc {
        "ES" => ("dni", "12345678Z"),
        "PT" => ("nif", "123456789"),
        "FR" => ("cni", "X4RTBPFW4"),
        "DE" => ("personalausweis", "L01X00T47"),
        _ => ("codice_fiscale", "RSSMRA85T10A562S"),
    };
    RegistryIdDocument {
        kind: kind.into(),
        number: number.into(),
        issuing_country: cc.into(),
    }
}

/// The documents `cc` requires.
pub fn documents(cc: &str) -> Vec<RegistrationDocumentRef> {
    caas_partners::registration::required_documents(cc)
        .iter()
        .map(|kind| RegistrationDocumentRef {
            kind: (*kind).into(),
            reference: format!("doc_{kind}"),
            sha256: None,
        })
        .collect()
}

/// A valid, fully paid request of an adult individual for service `cc`.
pub fn request(cc: &str, vin: &str) -> RegistrationRequest {
    let today = Utc::now().date_naive();
    RegistrationRequest {
        vin: vin.into(),
        country: cc.into(),
        owner: RegistrationOwner {
            kind: "individual".into(),
            id_document: id_document(cc),
            given_names: Some("Lucía".into()),
            family_names: Some("García Pérez".into()),
            birth_date: today.checked_sub_months(Months::new(12 * 37)),
            legal_name: None,
            address: PartnerAddress {
                line1: "Calle de Alcalá 120, 3º B".into(),
                line2: None,
                postal_code: "28009".into(),
                locality: "Madrid".into(),
                region: None,
                country: cc.into(),
            },
            email: None,
            phone: None,
        },
        vehicle: RegistrationVehicle {
            make: "CaaS Motors".into(),
            model_code: "SUV-E-26".into(),
            model_name: "Aurora SUV".into(),
            propulsion: "bev".into(),
            power_kw: 150,
            mass_kg: 1980,
            co2_g_km: 0,
            colour: "blue".into(),
            completed_on: today,
            coc_number: "COC-26-000123".into(),
        },
        dealership_id: "dlr_es_mad_001".into(),
        proof_of_payment: ProofOfPayment {
            invoice_number: "F-2026-0456".into(),
            invoice_date: today,
            total_amount: 4_150_000,
            amount_paid: 4_150_000,
            currency: "EUR".into(),
            paid_at: Utc::now(),
            payment_references: vec!["pi_1Res".into(), "pi_9Fin".into()],
        },
        documents: documents(cc),
    }
}

/// Unwraps a `Rejected` and returns `(status, code, details)`.
pub fn rejected(err: RegistrationError) -> (u16, String, Value) {
    match err {
        RegistrationError::Rejected {
            status,
            code,
            details,
            ..
        } => (status, code, details),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

/// Unwraps a transient `Call` error and returns its `retry_after_secs`.
pub fn transient(err: RegistrationError) -> Option<u64> {
    match err {
        RegistrationError::Call(CallError::Transient {
            retry_after_secs, ..
        }) => retry_after_secs,
        other => panic!("expected a transient error, got {other:?}"),
    }
}
