//! Web Push service simulator (`shared/contracts/notification-providers.md`
//! §3): a push service that checks VAPID (RFC 8292), decrypts each message
//! with the simulated browser's keys (RFC 8291) and stores the plaintext,
//! with `/_sim/…` controls to create subscriptions, make them gone, inject
//! 503/429/delays and read what was received. See the crate README.

pub mod handlers;
pub mod model;

use crate::common::http::not_found_fallback;
use crate::common::{serve, SimHandle};
use axum::routing::{get, post};
use axum::Router;
use model::PushState;
use std::sync::Arc;
use tokio::net::TcpListener;

pub use model::{ReceivedMessage, Scenario};

/// Command-line / environment configuration of the push simulator.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PushSimConfig {
    /// Public base URL of the simulator as senders reach it (no trailing
    /// slash), used in subscription endpoints and as the VAPID `aud` origin.
    /// Defaults to `http://<bound address>`.
    #[arg(long = "push-public-base-url", env = "PUSH_SIM_PUBLIC_BASE_URL")]
    pub public_base_url: Option<String>,
}

/// Starts the simulator on `listener` and returns its handle.
pub async fn start(cfg: PushSimConfig, listener: TcpListener) -> anyhow::Result<SimHandle> {
    let addr = listener.local_addr()?;
    let base_url = cfg
        .public_base_url
        .map(|u| u.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| format!("http://{addr}"));
    let origin = reqwest::Url::parse(&base_url)?
        .origin()
        .ascii_serialization();
    let state = Arc::new(PushState::new(base_url, origin));
    tracing::info!(base_url = %state.base_url, "push simulator listening");
    serve(router(state), listener)
}

/// The simulator's routes over `state`.
pub fn router(state: Arc<PushState>) -> Router {
    Router::new()
        .route("/push/{id}", post(handlers::push))
        .route("/_sim/subscriptions", post(handlers::create_subscription))
        .route(
            "/_sim/subscriptions/{id}",
            get(handlers::get_subscription).delete(handlers::delete_subscription),
        )
        .route("/_sim/subscriptions/{id}/gone", post(handlers::mark_gone))
        .route("/_sim/subscriptions/{id}/messages", get(handlers::messages))
        .route("/_sim/scenario", post(handlers::set_scenario))
        .route("/_sim/stats", get(handlers::stats))
        .fallback(not_found_fallback)
        .with_state(state)
}
