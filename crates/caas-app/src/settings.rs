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
    /// Time from the availability notice to the final-payment deadline (ADM-2: 14 days).
    pub final_payment_window: Duration,
    /// Reminders before the deadline (ADM-2: 7 and 2 days).
    pub final_payment_reminders: Vec<Duration>,
    /// What happens to the señal when a reservation is lost (ADM-2: retained).
    pub senal_on_reservation_lost: SenalPolicy,
    /// Attempts of the registration call before staff take over (REG-4).
    pub registration_max_attempts: i32,
    /// Home-delivery attempts before the customer collects at the dealership (ADM-2: 2).
    pub max_delivery_attempts: u32,
    /// Attempts of a booking with the carrier.
    pub booking_max_attempts: i32,
    /// How long a sequence gap in carrier events may last before reconciling.
    pub carrier_gap_wait: Duration,
    /// How long one fleet command waits for its final reply before the job retries.
    pub fleet_command_wait: std::time::Duration,
    /// Attempts of a fleet job (app link, handover check, key revocation).
    pub fleet_max_attempts: i32,
    /// Read caches (sessions, order files, catalogue).
    pub cache: crate::cache::CacheSettings,
    /// Password hashing threads (0: one per core).
    pub hash_workers: usize,
    /// Password hashes that may wait for a thread before logins get 503.
    pub hash_queue: usize,
    /// OTA activation policy of the feature store (ADM-2).
    pub ota: OtaSettings,
}

/// ADM-2: how activations are retried, and the IoT contract's waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtaSettings {
    /// Tries of an activation (enable commands with a final reply), default 5.
    pub max_attempts: u32,
    /// Wait between tries: exponential from 1 min, capped at 30 min.
    pub backoff: caas_domain::job::Backoff,
    /// `expires_at` of a command after its `issued_at` (≥ 5 min).
    pub command_ttl: Duration,
    /// The contract's timeout rules.
    pub timing: caas_domain::purchase::attempt::CommandTiming,
    /// How long before a time-limited period's end its reminder is told
    /// (default 3 days; zero: no reminders).
    pub expiry_reminder: Duration,
    /// How long reconciliation leaves a feature alone after a purchase
    /// change and around a period's end (digital twin).
    pub twin_grace: caas_domain::purchase::twin::TwinGrace,
}

impl Default for OtaSettings {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            backoff: caas_domain::job::Backoff {
                base: Duration::minutes(1),
                cap: Duration::minutes(30),
            },
            command_ttl: Duration::minutes(10),
            timing: Default::default(),
            expiry_reminder: Duration::days(3),
            twin_grace: Default::default(),
        }
    }
}

/// ADM-2: the señal of a lost reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenalPolicy {
    /// Kept by the dealership (default).
    Retained,
    /// Refunded to the customer (needs gateway refunds: recorded for finance).
    Refunded,
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
            final_payment_window: Duration::days(14),
            final_payment_reminders: vec![Duration::days(7), Duration::days(2)],
            senal_on_reservation_lost: SenalPolicy::Retained,
            registration_max_attempts: 8,
            max_delivery_attempts: 2,
            booking_max_attempts: 8,
            carrier_gap_wait: Duration::seconds(60),
            fleet_command_wait: std::time::Duration::from_secs(30),
            fleet_max_attempts: 6,
            cache: Default::default(),
            hash_workers: 0,
            hash_queue: 8,
            ota: OtaSettings::default(),
        }
    }
}
