//! SMS provider simulator (`shared/contracts/notification-providers.md` §2):
//! `POST /v1/messages` with validation (E.164, GSM-7 / UCS-2 segments, sender
//! id), `GET /v1/messages/{id}`, the contract's test numbers
//! `+34699000001…5`, and delivery receipts as signed webhooks
//! (`message.sent/delivered/failed/expired`) with a per-message `sequence`.
//! `GET /_sim/messages` shows what every customer received.
//!
//! ```no_run
//! # async fn run() -> anyhow::Result<()> {
//! use caas_sim::sms::{start, SmsSimConfig};
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let sim = start(SmsSimConfig::for_tests(None), listener).await?;
//! println!("SMS_BASE_URL={}", sim.base_url);
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

mod config;
pub mod encoding;
mod engine;
mod http;
mod validate;

pub use config::{ReceiptTiming, SmsSimConfig, DEV_WEBHOOK_SECRET};
pub use engine::{Fate, Message, SmsStats};
pub use http::SmsScenario;

use crate::common::http::{not_found_fallback, request_id, ApiKey};
use crate::common::idempotency::IdempotencyStore;
use crate::common::webhooks::{WebhookConfig, WebhookSender};
use crate::common::{serve, SimHandle};
use crate::payments::inject::RequestFaults;
use anyhow::Context;
use caas_partners::webhooks::WebhookSecret;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Starts the SMS provider simulator on `listener` (plain HTTP). Receipts
/// go to `cfg.webhook_url` (if any), signed with `cfg.webhook_secret`.
pub async fn start(cfg: SmsSimConfig, listener: TcpListener) -> anyhow::Result<SimHandle> {
    let secret = WebhookSecret::parse(&cfg.webhook_secret)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("SMS_WEBHOOK_SECRET must be whsec_ + base64")?;
    let mut wh = WebhookConfig::new(cfg.webhook_url.clone(), secret);
    wh.retry_speedup = cfg.retry_speedup;
    let webhooks = WebhookSender::start(wh)?;
    let provider = engine::Provider::new(cfg.timing(), webhooks.clone());
    let app = http::App {
        provider: Arc::clone(&provider),
        idem: IdempotencyStore::new(),
        api_key: ApiKey::new(&cfg.api_key),
        faults: RequestFaults::new("provider_unavailable"),
        webhooks: webhooks.clone(),
    };
    let router = http::api_routes(app.clone())
        .merge(http::control_routes(app))
        .fallback(not_found_fallback)
        .layer(axum::middleware::from_fn(request_id));
    let handle = serve(router, listener)?;
    tracing::info!(base_url = %handle.base_url, "SMS provider simulator listening");
    Ok(handle.on_shutdown(move || {
        provider.stop();
        webhooks.shutdown();
    }))
}
