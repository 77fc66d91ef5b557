//! Configuration: defaults → `caas.toml` → `CAAS_*` environment, validated at
//! start. Secrets are wrapped so they never print.

pub mod card_fields;
pub mod delivery;
pub mod listener;
pub mod maintenance;
mod secret;
pub mod store;

pub use secret::Secret;

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::Path;

/// Log output format.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human readable lines.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
}

/// Every setting of `caas serve`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address to listen on.
    pub bind: String,
    /// Public base URL used in emailed links; defaults to `http(s)://{bind}`.
    pub public_url: Option<String>,
    /// `sqlite://path` (default) or `postgres://…`.
    pub database_url: Secret,
    /// Pool size on PostgreSQL (web requests; the job runner has its own).
    pub pg_max_connections: u32,
    /// Connections of the job runner (default: `job_workers` + 2).
    pub job_connections: Option<u32>,
    /// Seconds a cached session, order file or catalogue may be served
    /// (every change invalidates at once; this bounds changes made outside caas). 0 disables the caches.
    pub cache_ttl_secs: u64,
    /// Requests handled at once; beyond, 503 with `Retry-After` (health and metrics exempt).
    pub max_in_flight: usize,
    /// Seconds a request may take before it is stopped and answered 503
    /// (longer than `partner_timeout_secs`: some requests wait for a partner).
    pub request_timeout_secs: u64,
    /// Password hashing threads (0: one per core).
    pub hash_workers: usize,
    /// Password hashes that may wait for a thread; beyond, logins answer 503.
    pub hash_queue: usize,
    /// `smtp://host:port`; unset keeps mail in the outbox (`/ops/mail`).
    pub smtp_url: Option<Secret>,
    /// Sender of outgoing mail.
    pub mail_from: String,
    /// Email of the ADMIN created on first start.
    pub admin_email: String,
    /// `human` or `json`.
    pub log_format: LogFormat,
    /// tracing filter, e.g. `info,caas_server=debug`.
    pub log_level: String,
    /// Web session lifetime, hours.
    pub session_ttl_hours: i64,
    /// API token lifetime, days.
    pub api_token_ttl_days: i64,
    /// Activation link lifetime, hours.
    pub activation_ttl_hours: i64,
    /// Password reset link lifetime, minutes.
    pub reset_ttl_minutes: i64,
    /// Failed logins per account inside the window before 429.
    pub login_max_failures_per_account: i64,
    /// Failed logins per client address inside the window before 429.
    pub login_max_failures_per_ip: i64,
    /// Throttling window, minutes.
    pub login_window_minutes: i64,
    /// Job workers in this process.
    pub job_workers: usize,
    /// Job lease, seconds.
    pub job_lease_seconds: i64,
    /// Job poll interval when idle, milliseconds.
    pub job_poll_ms: u64,
    /// Mark cookies `Secure`; defaults to true when `public_url` is https.
    pub secure_cookies: Option<bool>,
    /// Take the client address from `X-Forwarded-For` (behind a proxy only).
    pub trust_forwarded_for: bool,
    /// `embedded` starts the partner simulators on loopback and wires them
    /// in (the default); `off` uses the `*_base_url` settings below.
    pub simulators: SimMode,
    /// Embedded mode: on an empty database create a demo dealership and a
    /// SALES employee (login printed once).
    pub demo_seed: bool,
    /// Embedded factory: milliseconds between manufacturing milestones.
    pub sim_factory_step_ms: u64,
    /// Embedded simulators: divide the webhook retry schedule by this.
    pub sim_retry_speedup: f64,
    /// Embedded payments: seconds `tok_test_timeout_once` holds the connection.
    pub sim_payment_timeout_hold_secs: u64,
    /// Embedded payments: use the short test delays (settlement in ms).
    pub sim_fast_payments: bool,
    /// Factory Orders API base URL.
    pub factory_base_url: Option<String>,
    /// Factory API key.
    pub factory_api_key: Option<Secret>,
    /// Factory webhook signing secret (`whsec_…`).
    pub factory_webhook_secret: Option<Secret>,
    /// Payment gateway base URL.
    pub payment_base_url: Option<String>,
    /// Payment gateway secret key.
    pub payment_api_key: Option<Secret>,
    /// Payment webhook signing secret.
    pub payment_webhook_secret: Option<Secret>,
    /// SMS provider base URL.
    pub sms_base_url: Option<String>,
    /// SMS provider API key.
    pub sms_api_key: Option<Secret>,
    /// SMS receipts signing secret.
    pub sms_webhook_secret: Option<Secret>,
    /// VAPID public key (base64url); generated per start when unset.
    pub vapid_public_key: Option<String>,
    /// VAPID private key (base64url).
    pub vapid_private_key: Option<Secret>,
    /// VAPID contact (`mailto:` or `https:`).
    pub vapid_subject: String,
    /// Timeout of factory and payment calls, seconds.
    pub partner_timeout_secs: u64,
    /// Attempts to place a factory order before staff are alerted.
    pub factory_max_attempts: i32,
    /// Seconds a gap in factory event sequences may last before reconciling.
    pub factory_gap_wait_secs: i64,
    /// Minutes of factory silence about an order before an alert (MFG-10).
    pub factory_silence_alert_minutes: i64,
    /// Seconds between silence checks.
    pub silence_check_secs: u64,
    /// Delivery half: final payment, registration, carrier, fleet.
    #[serde(flatten)]
    pub delivery: delivery::DeliveryConfig,
    /// Feature store: OTA tries and backoff.
    #[serde(flatten)]
    pub store: store::StoreConfig,
    /// VSS (maintenance status).
    #[serde(flatten)]
    pub maintenance: maintenance::MaintenanceConfig,
    /// The listener: metrics access and HTTPS.
    #[serde(flatten)]
    pub listener: listener::ListenerConfig,
    /// The gateway's hosted card fields: publishable key and origin.
    #[serde(flatten)]
    pub card_fields: card_fields::CardFieldsConfig,
}

/// Whether the partner simulators run inside `caas serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SimMode {
    /// Start and wire the simulators (development default).
    Embedded,
    /// Use the configured partner URLs.
    Off,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            public_url: None,
            database_url: Secret::new("sqlite://./caas-data/caas.db"),
            pg_max_connections: 10,
            job_connections: None,
            cache_ttl_secs: 60,
            max_in_flight: 1024,
            request_timeout_secs: 60,
            hash_workers: 0,
            hash_queue: 8,
            smtp_url: None,
            mail_from: "caas <no-reply@caas.local>".into(),
            admin_email: "admin@caas.local".into(),
            log_format: LogFormat::Human,
            log_level: "info".into(),
            session_ttl_hours: 12,
            api_token_ttl_days: 30,
            activation_ttl_hours: 168,
            reset_ttl_minutes: 60,
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 20,
            login_window_minutes: 15,
            job_workers: 2,
            job_lease_seconds: 300,
            job_poll_ms: 500,
            secure_cookies: None,
            trust_forwarded_for: false,
            simulators: SimMode::Embedded,
            demo_seed: true,
            sim_factory_step_ms: 10_000,
            sim_retry_speedup: 60.0,
            sim_payment_timeout_hold_secs: 35,
            sim_fast_payments: false,
            factory_base_url: None,
            factory_api_key: None,
            factory_webhook_secret: None,
            payment_base_url: None,
            payment_api_key: None,
            payment_webhook_secret: None,
            sms_base_url: None,
            sms_api_key: None,
            sms_webhook_secret: None,
            vapid_public_key: None,
            vapid_private_key: None,
            vapid_subject: "mailto:operations@caas.local".into(),
            partner_timeout_secs: 30,
            factory_max_attempts: 8,
            factory_gap_wait_secs: 60,
            factory_silence_alert_minutes: 7 * 24 * 60,
            silence_check_secs: 3600,
            delivery: Default::default(),
            store: Default::default(),
            maintenance: Default::default(),
            listener: Default::default(),
            card_fields: Default::default(),
        }
    }
}

/// A configuration problem, worded for the operator.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Loads defaults, then `file` if it exists, then `CAAS_*` variables, and validates.
    pub fn load(file: &Path) -> Result<Self, ConfigError> {
        let figment = Figment::new()
            .merge(Toml::file(file))
            .merge(Env::prefixed("CAAS_").ignore(&["test_database_url"]));
        let config: Config = figment.extract().map_err(|e| ConfigError(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every value; the message names the setting.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |k: &str, m: &str| Err(ConfigError(format!("{k}: {m}")));
        if self.bind.parse::<SocketAddr>().is_err() {
            return err("bind", "must be an address and port such as 127.0.0.1:8080");
        }
        let db = self.database_url.expose();
        if !(db.starts_with("sqlite:")
            || db.starts_with("postgres://")
            || db.starts_with("postgresql://"))
        {
            return err("database_url", "must start with sqlite:// or postgres://");
        }
        if let Some(u) = &self.public_url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return err("public_url", "must start with http:// or https://");
            }
        }
        if let Some(s) = &self.smtp_url {
            if !(s.expose().starts_with("smtp://") || s.expose().starts_with("smtps://")) {
                return err("smtp_url", "must start with smtp:// or smtps://");
            }
        }
        for (k, v) in [
            ("session_ttl_hours", self.session_ttl_hours),
            ("api_token_ttl_days", self.api_token_ttl_days),
            ("activation_ttl_hours", self.activation_ttl_hours),
            ("reset_ttl_minutes", self.reset_ttl_minutes),
            (
                "login_max_failures_per_account",
                self.login_max_failures_per_account,
            ),
            ("login_max_failures_per_ip", self.login_max_failures_per_ip),
            ("login_window_minutes", self.login_window_minutes),
            ("job_lease_seconds", self.job_lease_seconds),
        ] {
            if v <= 0 {
                return err(k, "must be greater than zero");
            }
        }
        if self.job_lease_seconds < 10 {
            return err("job_lease_seconds", "must be at least 10");
        }
        if self.job_workers == 0 || self.job_workers > 64 {
            return err("job_workers", "must be between 1 and 64");
        }
        for (k, v) in [
            ("factory_base_url", &self.factory_base_url),
            ("payment_base_url", &self.payment_base_url),
            ("sms_base_url", &self.sms_base_url),
        ] {
            if let Some(u) = v {
                if !(u.starts_with("http://") || u.starts_with("https://")) {
                    return err(k, "must start with http:// or https://");
                }
            }
        }
        for (k, v) in [
            ("factory_webhook_secret", &self.factory_webhook_secret),
            ("payment_webhook_secret", &self.payment_webhook_secret),
            ("sms_webhook_secret", &self.sms_webhook_secret),
        ] {
            if let Some(s) = v {
                if caas_partners::webhooks::WebhookSecret::parse(s.expose()).is_err() {
                    return err(k, "must be whsec_ followed by base64");
                }
            }
        }
        self.delivery.validate()?;
        self.store.validate()?;
        self.maintenance.validate()?;
        self.listener.validate()?;
        self.card_fields.validate()?;
        if !(self.vapid_subject.starts_with("mailto:") || self.vapid_subject.starts_with("https:"))
        {
            return err("vapid_subject", "must start with mailto: or https:");
        }
        if self.vapid_public_key.is_some() != self.vapid_private_key.is_some() {
            return err("vapid_private_key", "set both VAPID keys or neither");
        }
        if self.partner_timeout_secs == 0
            || self.sim_retry_speedup <= 0.0
            || self.sim_factory_step_ms == 0
        {
            return err(
                "partner_timeout_secs",
                "timeouts, steps and speed-ups must be greater than zero",
            );
        }
        if self.factory_max_attempts < 1
            || self.factory_gap_wait_secs < 0
            || self.factory_silence_alert_minutes < 1
            || self.silence_check_secs == 0
        {
            return err(
                "factory_max_attempts",
                "factory retry and alert settings must be positive",
            );
        }
        if self.pg_max_connections == 0 {
            return err("pg_max_connections", "must be greater than zero");
        }
        if self.max_in_flight == 0 {
            return err("max_in_flight", "must be greater than zero");
        }
        if self.request_timeout_secs <= self.partner_timeout_secs {
            return err(
                "request_timeout_secs",
                "must be longer than partner_timeout_secs (requests wait for partners)",
            );
        }
        if self.job_connections == Some(0) {
            return err("job_connections", "must be greater than zero");
        }
        if self.hash_workers > 256 || self.hash_queue > 10_000 {
            return err("hash_workers", "at most 256 threads and a queue of 10000");
        }
        Ok(())
    }

    /// Connections the job runner gets of its own.
    pub fn job_connections(&self) -> u32 {
        self.job_connections
            .unwrap_or(self.job_workers as u32 + 2)
            .max(1)
    }

    /// Public base URL without trailing slash.
    pub fn public_url(&self, bound: SocketAddr) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("{}://{bound}", self.listener.scheme()))
            .trim_end_matches('/')
            .to_owned()
    }
}

#[cfg(test)]
mod tests;
