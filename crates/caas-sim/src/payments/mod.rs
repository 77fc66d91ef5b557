//! Card payment gateway simulator (`shared/contracts/payment-gateway.md`):
//! the hosted card fields and one-time card tokens (publishable key), saved
//! payment methods, payment intents (create/confirm/capture/cancel), refunds,
//! per-intent events, every contract test token, settlement / chargeback /
//! authorization-expiry timers and signed webhooks, plus `/_sim/…` controls
//! for tests.
//!
//! ```no_run
//! # async fn run() -> anyhow::Result<()> {
//! use caas_sim::payments::{start, PaymentsSimConfig};
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let sim = start(PaymentsSimConfig::for_tests(Some("http://127.0.0.1:9/webhooks/payments".into())), listener).await?;
//! println!("PAYMENT_BASE_URL={}", sim.base_url);
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

mod card_tokens;
mod config;
mod controls;
mod engine;
mod failure;
mod hosted;
mod hosted_page;
mod http;
pub mod inject;
mod intents;
mod lifecycle;
mod methods;
mod model;
mod refunds;
mod tokens;
mod validate;

pub use card_tokens::{brand_of, luhn_valid};
pub use config::{PaymentsSimConfig, DEV_PUBLISHABLE_KEY, DEV_WEBHOOK_SECRET};
pub use controls::Scenario;
pub use engine::Timing;
pub use model::Stats;
pub use tokens::{Card, TestToken};

use crate::common::http::{not_found_fallback, request_id, ApiKey};
use crate::common::idempotency::IdempotencyStore;
use crate::common::webhooks::{WebhookConfig, WebhookSender};
use crate::common::{serve, SimHandle};
use anyhow::Context;
use caas_partners::webhooks::WebhookSecret;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Starts the payment gateway simulator on `listener` (plain HTTP).
/// Webhooks go to `cfg.webhook_url` (if any), signed with `cfg.webhook_secret`.
pub async fn start(cfg: PaymentsSimConfig, listener: TcpListener) -> anyhow::Result<SimHandle> {
    let secret = WebhookSecret::parse(&cfg.webhook_secret)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("PAYMENT_WEBHOOK_SECRET must be whsec_ + base64")?;
    let mut wh = WebhookConfig::new(cfg.webhook_url.clone(), secret);
    wh.retry_speedup = cfg.retry_speedup;
    let webhooks = WebhookSender::start(wh)?;
    let gw = engine::Gateway::new(cfg.timing(), Arc::new(webhooks.clone()));
    let app = http::App {
        gw: Arc::clone(&gw),
        idem: IdempotencyStore::new(),
        api_key: ApiKey::new(&cfg.api_key),
        publishable_key: ApiKey::new(&cfg.publishable_key),
        hold: cfg.timeout_hold(),
        faults: inject::RequestFaults::new("service_unavailable"),
        webhooks: webhooks.clone(),
    };
    let router = http::api_routes(app.clone())
        .merge(hosted::routes(app.clone()))
        .merge(controls::routes(app))
        .fallback(not_found_fallback)
        .layer(axum::middleware::from_fn(request_id));
    let handle = serve(router, listener)?;
    tracing::info!(base_url = %handle.base_url, "payment gateway simulator listening");
    Ok(handle.on_shutdown(move || {
        gw.stop_timers();
        webhooks.shutdown();
    }))
}
