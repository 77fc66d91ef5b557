//! Configuration of the payment gateway simulator (flags and `PAYMENT_*`
//! environment variables), with contract default delays and a fast preset
//! for tests.

use super::engine::Timing;
use std::time::Duration;

/// Fixed development signing secret (32 bytes); override in real deployments.
pub const DEV_WEBHOOK_SECRET: &str = "whsec_Y2Fhcy1kZXYtcGF5bWVudHMtd2ViaG9vay1zZWNyZXQ=";
/// Default publishable key of the hosted card fields.
pub const DEV_PUBLISHABLE_KEY: &str = "pk_test_caas";

/// Settings of the payment gateway simulator. Long flags are prefixed with
/// `payment-` so the struct can be flattened next to other simulators' configs.
#[derive(Debug, Clone, PartialEq, clap::Args)]
pub struct PaymentsSimConfig {
    /// API key clients must send as `Authorization: Bearer <key>`.
    #[arg(
        id = "payment_api_key",
        long = "payment-api-key",
        env = "PAYMENT_API_KEY",
        default_value = "payments-sim-key"
    )]
    pub api_key: String,
    /// Publishable key (`pk_…`) of the hosted card fields and `POST /v1/tokens`;
    /// safe to show to browsers.
    #[arg(
        id = "payment_publishable_key",
        long = "payment-publishable-key",
        env = "PAYMENT_PUBLISHABLE_KEY",
        default_value = DEV_PUBLISHABLE_KEY
    )]
    pub publishable_key: String,
    /// Seconds a one-time card token stays usable (contract: 15 minutes).
    #[arg(
        id = "payment_token_ttl_secs",
        long = "payment-token-ttl-secs",
        env = "PAYMENT_TOKEN_TTL_SECS",
        default_value_t = 900
    )]
    pub token_ttl_secs: u64,
    /// Webhook signing secret (`whsec_…`).
    #[arg(id = "payment_webhook_secret", long = "payment-webhook-secret", env = "PAYMENT_WEBHOOK_SECRET", default_value = DEV_WEBHOOK_SECRET)]
    pub webhook_secret: String,
    /// Where events are posted (the platform's `/webhooks/payments`); none = not sent.
    #[arg(
        id = "payment_webhook_url",
        long = "payment-webhook-url",
        env = "PAYMENT_WEBHOOK_URL"
    )]
    pub webhook_url: Option<String>,
    /// The webhook retry schedule is divided by this factor.
    #[arg(
        id = "payment_retry_speedup",
        long = "payment-retry-speedup",
        env = "PAYMENT_RETRY_SPEEDUP",
        default_value_t = 1.0
    )]
    pub retry_speedup: f64,
    /// `tok_test_delayed`: milliseconds from `processing` to the outcome.
    #[arg(
        id = "payment_processing_delay_ms",
        long = "payment-processing-delay-ms",
        env = "PAYMENT_PROCESSING_DELAY_MS",
        default_value_t = 5_000
    )]
    pub processing_delay_ms: u64,
    /// Milliseconds from capture to settlement.
    #[arg(
        id = "payment_settlement_delay_ms",
        long = "payment-settlement-delay-ms",
        env = "PAYMENT_SETTLEMENT_DELAY_MS",
        default_value_t = 10_000
    )]
    pub settlement_delay_ms: u64,
    /// `tok_test_chargeback`: milliseconds from settlement to the chargeback.
    #[arg(
        id = "payment_chargeback_delay_ms",
        long = "payment-chargeback-delay-ms",
        env = "PAYMENT_CHARGEBACK_DELAY_MS",
        default_value_t = 20_000
    )]
    pub chargeback_delay_ms: u64,
    /// `tok_test_auth_expires`: milliseconds until a manual authorization lapses.
    #[arg(
        id = "payment_auth_expiry_delay_ms",
        long = "payment-auth-expiry-delay-ms",
        env = "PAYMENT_AUTH_EXPIRY_DELAY_MS",
        default_value_t = 60_000
    )]
    pub auth_expiry_delay_ms: u64,
    /// Milliseconds from refund creation to its final status.
    #[arg(
        id = "payment_refund_delay_ms",
        long = "payment-refund-delay-ms",
        env = "PAYMENT_REFUND_DELAY_MS",
        default_value_t = 2_000
    )]
    pub refund_delay_ms: u64,
    /// `tok_test_timeout_once`: seconds the connection is held before it is
    /// closed without a response.
    #[arg(
        id = "payment_timeout_hold_secs",
        long = "timeout-hold-secs",
        env = "PAYMENT_TIMEOUT_HOLD_SECS",
        default_value_t = 35
    )]
    pub timeout_hold_secs: u64,
}

impl Default for PaymentsSimConfig {
    /// Contract defaults, no webhook URL.
    fn default() -> Self {
        Self {
            api_key: "payments-sim-key".into(),
            publishable_key: DEV_PUBLISHABLE_KEY.into(),
            token_ttl_secs: 900,
            webhook_secret: DEV_WEBHOOK_SECRET.into(),
            webhook_url: None,
            retry_speedup: 1.0,
            processing_delay_ms: 5_000,
            settlement_delay_ms: 10_000,
            chargeback_delay_ms: 20_000,
            auth_expiry_delay_ms: 60_000,
            refund_delay_ms: 2_000,
            timeout_hold_secs: 35,
        }
    }
}

impl PaymentsSimConfig {
    /// Fast preset for tests: processing 200 ms, settlement 500 ms,
    /// chargeback 500 ms, auth expiry 1 s, refunds 200 ms, timeout hold 3 s,
    /// webhook retries 1000× faster.
    pub fn for_tests(webhook_url: Option<String>) -> Self {
        Self {
            webhook_url,
            retry_speedup: 1000.0,
            processing_delay_ms: 200,
            settlement_delay_ms: 500,
            chargeback_delay_ms: 500,
            auth_expiry_delay_ms: 1_000,
            refund_delay_ms: 200,
            timeout_hold_secs: 3,
            ..Self::default()
        }
    }

    /// The delays as a [`Timing`].
    pub fn timing(&self) -> Timing {
        Timing {
            processing: Duration::from_millis(self.processing_delay_ms),
            settlement: Duration::from_millis(self.settlement_delay_ms),
            chargeback: Duration::from_millis(self.chargeback_delay_ms),
            auth_expiry: Duration::from_millis(self.auth_expiry_delay_ms),
            refund: Duration::from_millis(self.refund_delay_ms),
            token_ttl: Duration::from_secs(self.token_ttl_secs),
        }
    }

    /// How long `tok_test_timeout_once` holds the connection.
    pub fn timeout_hold(&self) -> Duration {
        Duration::from_secs(self.timeout_hold_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sms::SmsSimConfig;
    use clap::{CommandFactory, Parser};

    #[derive(Debug, Parser)]
    struct Both {
        #[command(flatten)]
        payments: PaymentsSimConfig,
        #[command(flatten)]
        sms: SmsSimConfig,
    }

    #[test]
    fn both_configs_flatten_into_one_command_with_contract_defaults() {
        Both::command().debug_assert();
        let both = Both::try_parse_from(["caas"]).unwrap();
        assert_eq!(both.payments, PaymentsSimConfig::default());
        assert_eq!(both.sms, SmsSimConfig::default());
        let set = Both::try_parse_from([
            "caas",
            "--payment-webhook-url",
            "http://x/webhooks/payments",
            "--timeout-hold-secs",
            "2",
        ])
        .unwrap();
        assert_eq!(
            set.payments.webhook_url.as_deref(),
            Some("http://x/webhooks/payments")
        );
        assert_eq!(set.payments.timeout_hold(), Duration::from_secs(2));
    }
}
