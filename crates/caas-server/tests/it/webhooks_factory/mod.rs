//! `POST /webhooks/factory` played by the test as the factory: signature
//! verification on the raw bytes (forged, stale, missing → 401), dedupe by
//! webhook-id, per-order sequence ordering with gaps waiting, unknown types
//! ignored, and an event that arrives before its order is known applied later.

mod ordering;
mod revisions;
mod signatures;

use crate::support::app::*;
use crate::support::journey::*;
use caas_domain::clock::SystemClock;
use caas_partners::webhooks::WebhookSecret;
use caas_server::config::Secret;
use serde_json::{json, Value};
use std::sync::Arc;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async fn app() -> TestApp {
    spawn_app_with(
        |c| {
            c.factory_webhook_secret = Some(Secret::new(SECRET));
            c.sim_fast_payments = true;
            c.factory_gap_wait_secs = 1;
            c.sim_factory_step_ms = 60;
            c.sim_retry_speedup = 1000.0;
        },
        Arc::new(SystemClock),
    )
    .await
}

fn event(
    id: &str,
    kind: &str,
    fo: &str,
    order: &str,
    seq: i64,
    status: &str,
    extra: Value,
) -> String {
    let mut data = json!({"factory_order_id": fo, "order_reference": order, "sequence": seq, "status": status,
                          "vin": null, "estimated_completion_date": "2026-12-20"});
    for (k, v) in extra.as_object().unwrap() {
        data[k] = v.clone();
    }
    json!({"id": id, "type": kind, "occurred_at": chrono::Utc::now().to_rfc3339(), "data": data})
        .to_string()
}

async fn deliver(t: &TestApp, secret: &str, id: &str, ts: i64, body: &str) -> u16 {
    let sig = WebhookSecret::parse(secret)
        .unwrap()
        .sign(id, ts, body.as_bytes());
    client()
        .post(t.url("/webhooks/factory"))
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sig)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
