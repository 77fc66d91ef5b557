//! Plumbing shared by every simulator: contract error bodies and request
//! helpers ([`http`]), the Idempotency-Key store ([`idempotency`]), the
//! Standard Webhooks sender with failure injection ([`webhooks`]), the
//! skeleton of the timeline-driven partner simulators ([`skeleton`]), and
//! [`SimHandle`] / [`serve`] to run a simulator on a real socket.

pub mod http;
pub mod idempotency;
pub mod skeleton;
pub mod webhooks;

use axum::Router;
use chrono::{DateTime, SecondsFormat, Utc};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long [`SimHandle::shutdown`] waits for in-flight requests before aborting.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

type Hook = Box<dyn FnOnce() + Send + 'static>;

/// A running simulator: its address and a way to stop it.
pub struct SimHandle {
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub base_url: String,
    /// The bound socket address.
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    hooks: Vec<Hook>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("base_url", &self.base_url)
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// Registers a hook run on [`SimHandle::shutdown`] (e.g. stopping a
    /// [`webhooks::WebhookSender`]). Hooks run after the server stopped.
    pub fn on_shutdown(mut self, hook: impl FnOnce() + Send + 'static) -> Self {
        self.hooks.push(Box::new(hook));
        self
    }

    /// Stops accepting connections, waits up to 5 s for in-flight requests
    /// (then aborts them) and runs the shutdown hooks.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut server) = self.server.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut server)
                .await
                .is_err()
            {
                server.abort();
            }
        }
        for hook in self.hooks.drain(..) {
            hook();
        }
    }
}

/// Serves `router` on `listener` in a background task, with graceful
/// shutdown through the returned [`SimHandle`].
pub fn serve(router: Router, listener: TcpListener) -> anyhow::Result<SimHandle> {
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let result = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
        if let Err(err) = result {
            tracing::warn!(%err, "simulator server stopped with an error");
        }
    });
    Ok(SimHandle {
        base_url: format!("http://{addr}"),
        addr,
        stop: Some(stop),
        server: Some(server),
        hooks: Vec::new(),
    })
}

/// RFC 3339 UTC timestamp with `Z` suffix and whole seconds.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A fresh opaque id with a type prefix, e.g. `new_id("fo")` → `fo_0193…`
/// (time-ordered, ≤ 64 chars of `[A-Za-z0-9_]`).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}
