//! Settings the use cases read (validated by the server's config loader).

use chrono::Duration;

/// Tunables of accounts, sessions and mail.
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// Base URL used in emailed links, without trailing slash.
    pub public_url: String,
    /// Sender address of outgoing mail.
    pub mail_from: String,
    /// Web session lifetime.
    pub session_ttl: Duration,
    /// API bearer token lifetime.
    pub api_token_ttl: Duration,
    /// Activation link lifetime.
    pub activation_ttl: Duration,
    /// Password reset link lifetime.
    pub reset_ttl: Duration,
    /// Failed logins per account inside the window before 429.
    pub max_failures_per_account: i64,
    /// Failed logins per client address inside the window before 429.
    pub max_failures_per_ip: i64,
    /// Throttling window.
    pub throttle_window: Duration,
    /// Attempts of the mail delivery job.
    pub mail_max_attempts: i32,
    /// Attempts to place a factory order before staff are alerted (MFG-5).
    pub factory_max_attempts: i32,
    /// How long a sequence gap in factory events may last before the
    /// platform reconciles from the factory's `/events` (README §5).
    pub factory_gap_wait: Duration,
    /// Silence after which an order at the factory raises an alert (MFG-10).
    pub factory_silence_alert: Duration,
    /// Attempts of a notification delivery job per channel.
    pub notify_max_attempts: i32,
    /// Alphanumeric SMS sender id.
    pub sms_sender: String,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            mail_from: "caas <no-reply@caas.local>".into(),
            session_ttl: Duration::hours(12),
            api_token_ttl: Duration::days(30),
            activation_ttl: Duration::days(7),
            reset_ttl: Duration::hours(1),
            max_failures_per_account: 5,
            max_failures_per_ip: 20,
            throttle_window: Duration::minutes(15),
            mail_max_attempts: 8,
            factory_max_attempts: 8,
            factory_gap_wait: Duration::seconds(60),
            factory_silence_alert: Duration::days(7),
            notify_max_attempts: 6,
            sms_sender: "CaaS".into(),
        }
    }
}
