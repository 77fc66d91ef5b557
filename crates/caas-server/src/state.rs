//! Shared state handed to every handler.

use crate::middleware::metrics::Metrics;
use caas_app::App;
use std::sync::Arc;

/// Per-process state: the use-case context plus HTTP concerns.
#[derive(Clone)]
pub struct AppState {
    /// Use cases and ports.
    pub app: App,
    /// Request counters and latency histogram.
    pub metrics: Arc<Metrics>,
    /// Requests in flight and their time limit.
    pub admission: Arc<crate::middleware::admission::Admission>,
    /// Whether cookies carry `Secure`.
    pub secure_cookies: bool,
    /// Send `Strict-Transport-Security` (HTTPS served here or `public_url` https).
    pub hsts: bool,
    /// Take the client address from `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    /// Secrets the webhook receivers verify signatures with.
    pub webhook_secrets: crate::partners_setup::WebhookSecrets,
    /// Bearer token `/metrics` requires; `None`: loopback clients only.
    pub metrics_token: Option<crate::config::Secret>,
    /// Where the gateway's hosted card fields are loaded from.
    pub card_fields: Arc<crate::web::card_form::CardFields>,
}
