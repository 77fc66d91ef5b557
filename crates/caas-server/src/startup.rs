//! Building and running the application: store, use cases, job workers and
//! the HTTP server on a listener the caller provides (tests pass port 0).

use crate::config::Config;
use crate::error::ApiError;
use crate::middleware::request_id::CountingRequestId;
use crate::middleware::{admission, metrics, security_headers, trace};
use crate::routes;
use crate::state::AppState;
use crate::web::render::error_page;
use anyhow::Context;
use axum::extract::Request;
use axum::http::{HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use axum::Router;
use caas_app::auth::bootstrap::{ensure_first_admin, InitialAdmin};
use caas_app::jobs::AppJobHandler;
use caas_app::{App, AppError, AppSettings};
use caas_domain::account::Language;
use caas_domain::clock::{Clock, SystemClock};
use caas_domain::job::Backoff;
use caas_domain::ports::{MailSender, Store};
use caas_jobs::{JobRunner, RunnerConfig};
use caas_partners::smtp::SmtpMailer;
use caas_store_postgres::PgStore;
use caas_store_sqlite::SqliteStore;
use chrono::Duration;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use utoipa_swagger_ui::SwaggerUi;

/// Opens the store named by a database URL and applies its migrations.
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let url = config.database_url.expose();
    Ok(if url.starts_with("postgres") {
        Arc::new(
            PgStore::connect(url, config.pg_max_connections)
                .await
                .context("opening PostgreSQL")?,
        )
    } else {
        Arc::new(SqliteStore::connect(url).await.context("opening SQLite")?)
    })
}

/// Builds the use-case context from configuration.
pub fn build_app(
    config: &Config,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    public_url: String,
) -> anyhow::Result<App> {
    let mailer: Option<Arc<dyn MailSender>> = match &config.smtp_url {
        Some(url) => Some(Arc::new(SmtpMailer::from_url(
            url.expose(),
            &config.mail_from,
        )?)),
        None => None,
    };
    let settings = AppSettings {
        public_url,
        mail_from: config.mail_from.clone(),
        session_ttl: Duration::hours(config.session_ttl_hours),
        api_token_ttl: Duration::days(config.api_token_ttl_days),
        activation_ttl: Duration::hours(config.activation_ttl_hours),
        reset_ttl: Duration::minutes(config.reset_ttl_minutes),
        max_failures_per_account: config.login_max_failures_per_account,
        max_failures_per_ip: config.login_max_failures_per_ip,
        throttle_window: Duration::minutes(config.login_window_minutes),
        factory_max_attempts: config.factory_max_attempts,
        factory_gap_wait: Duration::seconds(config.factory_gap_wait_secs),
        factory_silence_alert: Duration::minutes(config.factory_silence_alert_minutes),
        final_payment_window: Duration::seconds(config.delivery.final_payment_window_secs),
        final_payment_reminders: config
            .delivery
            .final_payment_reminder_secs
            .iter()
            .map(|s| Duration::seconds(*s))
            .collect(),
        senal_on_reservation_lost: config.delivery.senal_policy(),
        registration_max_attempts: config.delivery.registration_max_attempts,
        max_delivery_attempts: config.delivery.max_delivery_attempts,
        carrier_gap_wait: Duration::seconds(config.delivery.carrier_gap_wait_secs),
        fleet_command_wait: std::time::Duration::from_secs(config.delivery.fleet_command_wait_secs),
        fleet_max_attempts: config.delivery.fleet_max_attempts,
        cache: caas_app::cache::CacheSettings {
            ttl: std::time::Duration::from_secs(config.cache_ttl_secs),
            ..Default::default()
        },
        hash_workers: config.hash_workers,
        hash_queue: config.hash_queue,
        ota: config.store.ota(),
        ..AppSettings::default()
    };
    Ok(App::new(store, clock, settings, mailer))
}

/// A built, not yet running, application.
pub struct Application {
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    address: SocketAddr,
    router: Router,
    state: AppState,
    runner: JobRunner,
    simulators: Option<crate::partners_setup::Simulators>,
    fleet: Option<crate::fleet_setup::FleetRuntime>,
    silence_check: std::time::Duration,
    /// The ADMIN created on this start, if the database had none.
    pub initial_admin: Option<InitialAdmin>,
    /// The demo SALES employee created on a first embedded start.
    pub demo_seller: Option<InitialAdmin>,
}

impl Application {
    /// Builds everything on `listener`, with the wall clock.
    pub async fn build(config: Config, listener: TcpListener) -> anyhow::Result<Self> {
        Self::build_with_clock(config, listener, Arc::new(SystemClock)).await
    }

    /// As [`Application::build`] with a given clock (tests move time).
    pub async fn build_with_clock(
        config: Config,
        listener: TcpListener,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        config.validate()?;
        let mut config = config;
        crate::fleet_setup::ensure_embedded_credentials(&mut config);
        let address = listener.local_addr()?;
        let tls = match config.listener.tls_files() {
            Some((cert, key)) => Some(crate::tls::acceptor(cert, key)?),
            None => None,
        };
        let store = open_store(&config).await?;
        let public_url = config.public_url(address);
        let (broker_url, broker) = crate::fleet_setup::embedded_broker(&config)?;
        let fleet_sim = match (broker_url.as_deref(), config.simulators) {
            (Some(u), crate::config::SimMode::Embedded) => {
                Some(crate::fleet_setup::start_fleet_sim(&config, u).await?)
            }
            _ => None,
        };
        let fleet_sim_url = fleet_sim.as_ref().map(|s| s.handle.base_url.clone());
        let wiring =
            crate::partners_setup::wire_partners(&config, &public_url, fleet_sim_url).await?;
        let mut app = build_app(&config, store.clone(), clock.clone(), public_url)?;
        app.partners = wiring.partners;
        caas_app::catalogue::seed_catalogue_if_empty(&app)
            .await
            .map_err(|e| anyhow::anyhow!("seeding the catalogue: {e}"))?;
        let initial_admin = ensure_first_admin(&app, &config.admin_email)
            .await
            .map_err(|e| anyhow::anyhow!("creating the first administrator: {e}"))?;
        let demo_seller =
            if config.simulators == crate::config::SimMode::Embedded && config.demo_seed {
                caas_app::auth::bootstrap::ensure_demo_dealership(&app)
                    .await
                    .map_err(|e| anyhow::anyhow!("creating the demo dealership: {e}"))?
            } else {
                None
            };
        // The link's sink only writes vehicle state; the jobs need the link.
        let fleet = crate::fleet_setup::start_link(&config, &app, broker_url, broker, fleet_sim)?;
        if let Some(h) = &fleet.handle {
            app.partners.fleet = Some(Arc::new(h.clone()));
        }
        // The job runner has connections of its own, so web load cannot starve it;
        // its commits reach the same caches.
        let job_store = store
            .sibling(config.job_connections())
            .await
            .context("opening the job runner's connections")?;
        let job_app = app.with_store(job_store.clone());
        let runner = JobRunner::new(
            job_store,
            clock,
            Arc::new(AppJobHandler::new(job_app)),
            RunnerConfig {
                workers: config.job_workers,
                lease: Duration::seconds(config.job_lease_seconds),
                poll_interval: std::time::Duration::from_millis(config.job_poll_ms),
                backoff: Backoff::default(),
            },
        )
        .with_waker(app.job_waker.clone());
        let card_fields = crate::partners_setup::card_fields(
            &config,
            wiring.simulators.as_ref(),
            &config.public_url(address),
        );
        let state = AppState {
            secure_cookies: config
                .secure_cookies
                .unwrap_or_else(|| config.public_url(address).starts_with("https://")),
            trust_forwarded_for: config.trust_forwarded_for,
            hsts: tls.is_some() || config.public_url(address).starts_with("https://"),
            webhook_secrets: wiring.secrets,
            metrics_token: config.listener.metrics_token.clone(),
            card_fields: Arc::new(card_fields),
            metrics: Arc::new(metrics::Metrics::for_routes(
                routes::table().into_iter().map(|r| (r.method, r.path)),
            )),
            admission: Arc::new(admission::Admission::new(
                config.max_in_flight,
                std::time::Duration::from_secs(config.request_timeout_secs),
            )),
            app,
        };
        let router = build_router(state.clone());
        Ok(Self {
            listener,
            tls,
            address,
            router,
            state,
            runner,
            simulators: wiring.simulators,
            fleet: Some(fleet),
            silence_check: std::time::Duration::from_secs(config.silence_check_secs),
            initial_admin,
            demo_seller,
        })
    }

    /// Bound address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The embedded simulators, when running.
    pub fn simulators(&self) -> Option<&crate::partners_setup::Simulators> {
        self.simulators.as_ref()
    }

    /// The fleet side: broker URL and the fleet simulator's control URL.
    pub fn fleet(&self) -> Option<&crate::fleet_setup::FleetRuntime> {
        self.fleet.as_ref()
    }

    /// Shared state (tests reach the use cases through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The job runner the workers of [`Application::run_until`] will share:
    /// another handle claims and runs due jobs beside them, each exactly once
    /// (tests run due jobs to completion with it instead of waiting for them).
    pub fn job_runner(&self) -> JobRunner {
        self.runner.clone()
    }

    /// Serves HTTP (HTTPS with `tls_cert`/`tls_key`) and runs the job workers until `shutdown` resolves, then
    /// stops accepting, drains requests and lets workers finish their job.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut workers = self.runner.spawn(stop_rx.clone());
        let silence = spawn_silence_check(self.state.app.clone(), self.silence_check, stop_rx);
        let store = self.state.app.store.clone();
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        match self.tls {
            None => axum::serve(self.listener, service)
                .with_graceful_shutdown(shutdown)
                .await
                .context("serving HTTP")?,
            Some(acceptor) => {
                // `tap_io` gives the TLS listener axum's `ConnectInfo<SocketAddr>`.
                let listener =
                    crate::tls::TlsListener::new(self.listener, acceptor)?.tap_io(|_| {});
                axum::serve(listener, service)
                    .with_graceful_shutdown(shutdown)
                    .await
                    .context("serving HTTPS")?
            }
        }
        let _ = stop_tx.send(true);
        while workers.join_next().await.is_some() {}
        let _ = silence.await;
        if let Some(sims) = self.simulators {
            sims.shutdown().await;
        }
        if let Some(fleet) = self.fleet {
            fleet.shutdown().await;
        }
        store.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Checks for silent factory orders every `every` until `stop` (MFG-10);
/// the check is idempotent, so a restart simply starts checking again.
fn spawn_silence_check(
    app: App,
    every: std::time::Duration,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.changed() => return,
            }
            if let Err(e) = caas_app::factory::silence::check_silent_orders(&app).await {
                tracing::error!(error = %format!("{e:#}"), "silent order check failed");
            }
        }
    })
}

/// The complete router with every layer.
pub fn build_router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let docs: Router<AppState> = SwaggerUi::new("/api/docs")
        .config(utoipa_swagger_ui::Config::from("/api/openapi.json"))
        .into();
    // Outermost last: the request id, its span, security headers, metrics
    // (so shed and timed-out requests are counted), admission, the route.
    routes::router(state.clone())
        .merge(docs)
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.admission.clone(),
            admission::admit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn_with_state(
            security_headers::Headers::new(state.hsts, state.card_fields.origin.as_deref()),
            security_headers::add,
        ))
        .layer(axum::middleware::from_fn(trace::span))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(
            request_id,
            CountingRequestId::default(),
        ))
        .with_state(state)
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        return ApiError(AppError::NotFound).into_response();
    }
    let lang = req
        .headers()
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or_default();
    let m = crate::web::i18n::Msg::for_lang(lang);
    error_page(StatusCode::NOT_FOUND, lang, m.err_not_found)
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received");
}
