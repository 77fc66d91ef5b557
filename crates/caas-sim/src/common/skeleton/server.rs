//! Starting a skeleton simulator: the webhook outbox from its settings, the
//! `/v1` routes behind the bearer API key, the `/_sim` controls, the
//! contract's `404` fallback and `X-Request-Id` echo, served on a real
//! socket; stopping it ends the timeline tasks and the outbox. Also the
//! programmatic control handle ([`SimControl`]) tests use.

use super::{control, timeline, Core, Partner, PatchOf};
use crate::common::http::{not_found_fallback, request_id, require_bearer, ApiKey};
use crate::common::webhooks::{WebhookConfig, WebhookSender};
use crate::common::{serve, SimHandle};
use axum::Router;
use caas_partners::webhooks::WebhookSecret;
use serde_json::Value;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The configured webhook secret is not a valid `whsec_…` secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {reason}")]
pub struct InvalidWebhookSecret {
    /// The variable that holds the secret (e.g. `FACTORY_WEBHOOK_SECRET`).
    pub variable: &'static str,
    /// Why it was refused.
    pub reason: String,
}

/// Programmatic control of a running simulator (same effects as `/_sim`).
#[derive(Debug, Clone)]
pub struct SimControl<P: Partner> {
    core: Arc<Core<P>>,
}

impl<P: Partner> SimControl<P> {
    /// Applies a scenario patch; returns the resulting scenario view.
    pub fn set_scenario(&self, patch: PatchOf<P>) -> Value {
        control::apply_patch(&*self.core, patch)
    }

    /// Counters, as `GET /_sim/stats`.
    pub fn stats(&self) -> Value {
        control::stats(&*self.core)
    }

    /// The webhook sender (faults, URL, attempt log).
    pub fn webhooks(&self) -> &WebhookSender {
        &self.core.sender
    }

    /// Emits the next timeline event of a record now (`None` if nothing left).
    pub fn advance(&self, id: &str) -> Option<Value> {
        timeline::advance(&*self.core, id)
    }

    /// The simulator's core, for partner-specific controls.
    pub(crate) fn core(&self) -> &Core<P> {
        &self.core
    }
}

/// The routes a partner adds to the skeleton's: its `/v1` contract (served
/// behind the bearer API key) and its own `/_sim` controls.
#[derive(Debug)]
pub struct PartnerRoutes<P: Partner> {
    /// The authenticated `/v1` routes.
    pub api: Router<Arc<Core<P>>>,
    /// Partner-only `/_sim` routes, merged with [`control::router`].
    pub control: Router<Arc<Core<P>>>,
}

/// Starts the simulator on `listener` and returns its handle with a
/// [`SimControl`].
pub fn start<P: Partner>(
    cfg: P::Config,
    listener: TcpListener,
    routes: PartnerRoutes<P>,
) -> anyhow::Result<(SimHandle, SimControl<P>)> {
    let settings = P::settings(&cfg);
    let secret =
        WebhookSecret::parse(settings.webhook_secret).map_err(|e| InvalidWebhookSecret {
            variable: settings.webhook_secret_variable,
            reason: e.to_string(),
        })?;
    let url = settings
        .webhook_url
        .filter(|u| !u.is_empty())
        .map(str::to_owned);
    let mut outbox = WebhookConfig::new(url, secret);
    outbox.retry_speedup = settings.retry_speedup;
    let sender = WebhookSender::start(outbox)?;
    let key = ApiKey::new(settings.api_key);
    let core = Arc::new(Core::<P>::new(cfg, sender));
    let v1 = routes
        .api
        .route_layer(axum::middleware::from_fn_with_state(key, require_bearer));
    let router = v1
        .merge(control::router::<P>())
        .merge(routes.control)
        .fallback(not_found_fallback)
        .layer(axum::middleware::from_fn(request_id))
        .with_state(Arc::clone(&core));
    let stop = Arc::clone(&core);
    let handle = serve(router, listener)?.on_shutdown(move || {
        stop.close();
        stop.sender.shutdown();
    });
    Ok((handle, SimControl { core }))
}
