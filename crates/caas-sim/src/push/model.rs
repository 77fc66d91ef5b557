//! In-memory state of the Web Push simulator: simulated browser
//! subscriptions with their key material, the messages they received
//! (decrypted), the fault scenario and counters.

use caas_partners::webpush::UserAgentKeys;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

/// One simulated browser subscription.
#[derive(Debug)]
pub struct Subscription {
    /// The browser's key pair and auth secret.
    pub keys: UserAgentKeys,
    /// `applicationServerKey` it was created with, if restricted (RFC 8292 §3.2).
    pub application_server_key: Option<String>,
    /// Answers `410` from now on.
    pub gone: bool,
    /// Messages received, oldest first.
    pub messages: Vec<ReceivedMessage>,
}

/// A message accepted by the push endpoint, decrypted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceivedMessage {
    /// `m_…`, also in the `Location` of the 201.
    pub id: String,
    /// RFC 3339 time of receipt.
    pub received_at: String,
    /// The plaintext parsed as JSON (`null` if it is not JSON).
    pub payload: Value,
    /// The plaintext as text (lossy UTF-8).
    pub payload_text: String,
    /// `TTL` header.
    pub ttl: u64,
    /// `Urgency` header (`normal` when absent, RFC 8030 §5.3).
    pub urgency: String,
    /// `Topic` header.
    pub topic: Option<String>,
    /// Encrypted body size in bytes.
    pub body_size: usize,
    /// The VAPID public key (`k`) that signed the request.
    pub vapid_public_key: String,
    /// The VAPID `sub` claim.
    pub vapid_subject: Option<String>,
}

/// Body of `POST /_sim/scenario`; absent fields leave the value unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    /// The next N push requests answer `503` (any subscription).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unavailable_for_next_requests: Option<u32>,
    /// The next N push requests answer `429` (after the 503s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limited_for_next_requests: Option<u32>,
    /// `Retry-After` seconds sent with those 503/429 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
    /// Delay before answering every push request (for client timeouts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_delay_ms: Option<u64>,
}

/// Counters returned by `GET /_sim/stats`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Subscriptions created.
    pub subscriptions_created: u64,
    /// Push requests received (any outcome).
    pub push_requests: u64,
    /// Pushes answered 201.
    pub accepted: u64,
    /// Answers by status code (`"201"`, `"410"`, …).
    pub by_status: BTreeMap<String, u64>,
}

/// Fault scenario currently in force.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Remaining 503 answers.
    pub unavailable: u32,
    /// Remaining 429 answers.
    pub rate_limited: u32,
    /// `Retry-After` of the faults.
    pub retry_after_secs: u64,
    /// Delay before each push answer.
    pub delay_ms: u64,
}

/// Everything the simulator keeps.
#[derive(Debug, Default)]
pub struct Inner {
    /// Subscriptions by id.
    pub subscriptions: HashMap<String, Subscription>,
    /// Fault scenario.
    pub faults: Faults,
    /// Counters.
    pub stats: Stats,
}

/// Shared state of one simulator instance.
#[derive(Debug)]
pub struct PushState {
    /// Public base URL (no trailing slash); endpoints are `{base}/push/{id}`.
    pub base_url: String,
    /// Origin a VAPID `aud` must equal.
    pub origin: String,
    inner: Mutex<Inner>,
}

impl PushState {
    /// Empty state for the given base URL and origin.
    pub fn new(base_url: String, origin: String) -> Self {
        Self {
            base_url,
            origin,
            inner: Mutex::new(Inner {
                faults: Faults {
                    retry_after_secs: 1,
                    ..Faults::default()
                },
                ..Inner::default()
            }),
        }
    }

    /// Locks the state (a poisoned lock is recovered: the data stays usable).
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `{base}/push/{id}`.
    pub fn endpoint(&self, id: &str) -> String {
        format!("{}/push/{id}", self.base_url)
    }
}

impl Inner {
    /// Counts one answer of the push endpoint.
    pub fn count(&mut self, status: u16) {
        self.stats.push_requests += 1;
        if status == 201 {
            self.stats.accepted += 1;
        }
        *self.stats.by_status.entry(status.to_string()).or_default() += 1;
    }

    /// Applies a scenario update.
    pub fn apply(&mut self, s: &Scenario) {
        if let Some(n) = s.unavailable_for_next_requests {
            self.faults.unavailable = n;
        }
        if let Some(n) = s.rate_limited_for_next_requests {
            self.faults.rate_limited = n;
        }
        if let Some(secs) = s.retry_after_secs {
            self.faults.retry_after_secs = secs;
        }
        if let Some(ms) = s.response_delay_ms {
            self.faults.delay_ms = ms;
        }
    }

    /// The scenario in force, as JSON-able values.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            unavailable_for_next_requests: Some(self.faults.unavailable),
            rate_limited_for_next_requests: Some(self.faults.rate_limited),
            retry_after_secs: Some(self.faults.retry_after_secs),
            response_delay_ms: Some(self.faults.delay_ms),
        }
    }
}
