//! Fixture of the payment gateway simulator tests: a started simulator
//! whose webhooks go to a signature-verifying receiver, and request bodies.

pub use super::http_harness::{wait_until, Client, Receiver};

use caas_sim::common::SimHandle;
use caas_sim::payments::{self, PaymentsSimConfig, DEV_WEBHOOK_SECRET};
use serde_json::{json, Value};
use tokio::net::TcpListener;

pub struct Sim {
    pub api: Client,
    pub hooks: Receiver,
    _handle: SimHandle,
}

pub async fn sim_with(tweak: impl FnOnce(&mut PaymentsSimConfig)) -> Sim {
    let hooks = Receiver::start("/webhooks/payments", DEV_WEBHOOK_SECRET).await;
    let mut cfg = PaymentsSimConfig::for_tests(Some(hooks.url.clone()));
    tweak(&mut cfg);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let handle = payments::start(cfg.clone(), listener).await.unwrap();
    Sim {
        api: Client::new(&handle.base_url, &cfg.api_key),
        hooks,
        _handle: handle,
    }
}

pub async fn sim() -> Sim {
    sim_with(|_| {}).await
}

pub fn intent(pm: &str, confirm: bool) -> Value {
    json!({"amount": 4150, "currency": "EUR", "customer_reference": "cus_ref_881", "payment_method": pm,
           "confirm": confirm, "description": "Reserva", "metadata": {"order_reference": "ord_1"}})
}

pub fn manual(pm: &str) -> Value {
    let mut body = intent(pm, true);
    body["capture_method"] = json!("manual");
    body
}

/// `data` key of payment events.
pub const PI: &str = "payment_intent";
