//! The payments client against the real gateway simulator over a socket:
//! manual capture ([`manual`]) and saved cards made from hosted-field
//! tokens ([`cards`]). Here the client's classification meets the
//! simulator's contract behaviour, not canned answers.

mod cards;
mod manual;

use caas_domain::money::{Currency, Money};
use caas_domain::partners::ChargeRequest;
use caas_partners::payments::PaymentsClient;
use caas_sim::common::SimHandle;
use caas_sim::payments::{self, PaymentsSimConfig, DEV_PUBLISHABLE_KEY};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;

/// A started gateway simulator (no webhook receiver) and a client of it.
struct Gateway {
    client: PaymentsClient,
    base_url: String,
    _sim: SimHandle,
}

async fn gateway_with(tweak: impl FnOnce(&mut PaymentsSimConfig)) -> Gateway {
    let mut cfg = PaymentsSimConfig::for_tests(None);
    tweak(&mut cfg);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim = payments::start(cfg.clone(), listener).await.unwrap();
    let client = PaymentsClient::new(&sim.base_url, &cfg.api_key, Duration::from_secs(10)).unwrap();
    Gateway {
        client,
        base_url: sim.base_url.clone(),
        _sim: sim,
    }
}

async fn gateway() -> Gateway {
    gateway_with(|_| {}).await
}

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::EUR).unwrap()
}

/// A 41,50 € purchase of `cus_ref_881` paid with `payment_method`.
fn purchase(payment_method: &str) -> ChargeRequest {
    ChargeRequest {
        amount: eur(4150),
        customer_reference: "cus_ref_881".into(),
        payment_method: payment_method.into(),
        description: "Asientos calefactables".into(),
        metadata: BTreeMap::from([("purpose".into(), "feature".into())]),
    }
}

/// December, five years from now: a card that has not expired.
fn exp_year() -> u32 {
    u32::try_from(chrono::Datelike::year(&chrono::Utc::now())).unwrap() + 5
}

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Gateway {
    /// A one-time token as the hosted card fields make it: `POST /v1/tokens`
    /// with the publishable key (the platform's client never does this).
    async fn hosted_token(&self, number: &str) -> (u16, Value) {
        let resp = reqwest::Client::new()
            .post(format!("{}/v1/tokens", self.base_url))
            .bearer_auth(DEV_PUBLISHABLE_KEY)
            .header("Idempotency-Key", key())
            .json(&json!({"number": number, "exp_month": 12, "exp_year": exp_year(), "cvc": "123"}))
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.json().await.unwrap())
    }

    async fn token(&self, number: &str) -> String {
        let (status, body) = self.hosted_token(number).await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }
}

/// Polls `cond` every 25 ms until it holds or 10 s have passed.
async fn eventually<F, Fut>(mut cond: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while tokio::time::Instant::now() < deadline {
        if cond().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}
