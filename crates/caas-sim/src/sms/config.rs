//! Configuration of the SMS provider simulator (flags and `SMS_*`
//! environment variables) and a fast preset for tests.

use std::time::Duration;

/// Fixed development signing secret (32 bytes); override in real deployments.
pub const DEV_WEBHOOK_SECRET: &str = "whsec_Y2Fhcy1kZXYtc21zLXByb3ZpZGVyLXdoay1zZWNyZXQ=";

/// Settings of the SMS provider simulator. Long flags are prefixed with
/// `sms-` so the struct can be flattened next to other simulators' configs.
#[derive(Debug, Clone, PartialEq, clap::Args)]
pub struct SmsSimConfig {
    /// API key clients must send as `Authorization: Bearer <key>`.
    #[arg(
        id = "sms_api_key",
        long = "sms-api-key",
        env = "SMS_API_KEY",
        default_value = "sms-sim-key"
    )]
    pub api_key: String,
    /// Webhook signing secret (`whsec_…`).
    #[arg(id = "sms_webhook_secret", long = "sms-webhook-secret", env = "SMS_WEBHOOK_SECRET", default_value = DEV_WEBHOOK_SECRET)]
    pub webhook_secret: String,
    /// Where receipts are posted (the platform's `/webhooks/sms`); none = not sent.
    #[arg(
        id = "sms_webhook_url",
        long = "sms-webhook-url",
        env = "SMS_WEBHOOK_URL"
    )]
    pub webhook_url: Option<String>,
    /// The webhook retry schedule is divided by this factor.
    #[arg(
        id = "sms_retry_speedup",
        long = "sms-retry-speedup",
        env = "SMS_RETRY_SPEEDUP",
        default_value_t = 1.0
    )]
    pub retry_speedup: f64,
    /// Multiplies every receipt delay (1.0 = contract timing: delivered after
    /// 2 s, expired after 10 s).
    #[arg(
        id = "sms_receipt_delay_scale",
        long = "sms-receipt-delay-scale",
        env = "SMS_RECEIPT_DELAY_SCALE",
        default_value_t = 1.0
    )]
    pub receipt_delay_scale: f64,
}

impl Default for SmsSimConfig {
    /// Contract timing, no webhook URL.
    fn default() -> Self {
        Self {
            api_key: "sms-sim-key".into(),
            webhook_secret: DEV_WEBHOOK_SECRET.into(),
            webhook_url: None,
            retry_speedup: 1.0,
            receipt_delay_scale: 1.0,
        }
    }
}

impl SmsSimConfig {
    /// Fast preset for tests: receipts 10× faster (delivered after 200 ms,
    /// expired after 1 s), webhook retries 1000× faster.
    pub fn for_tests(webhook_url: Option<String>) -> Self {
        Self {
            webhook_url,
            retry_speedup: 1000.0,
            receipt_delay_scale: 0.1,
            ..Self::default()
        }
    }

    /// The receipt delays after acceptance.
    pub fn timing(&self) -> ReceiptTiming {
        let scale = if self.receipt_delay_scale.is_finite() && self.receipt_delay_scale >= 0.0 {
            self.receipt_delay_scale
        } else {
            1.0
        };
        let ms = |base: f64| Duration::from_secs_f64(base * scale / 1000.0);
        ReceiptTiming {
            sent: ms(200.0),
            delivered: ms(2_000.0),
            failed: ms(1_000.0),
            expired: ms(10_000.0),
        }
    }
}

/// When each receipt is emitted, counted from acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptTiming {
    /// `message.sent`.
    pub sent: Duration,
    /// `message.delivered` (`+34699000001` and ordinary numbers).
    pub delivered: Duration,
    /// `message.failed` (`+34699000002`).
    pub failed: Duration,
    /// `message.expired` (`+34699000004`).
    pub expired: Duration,
}
