//! Shared HTTP plumbing of the partner REST clients (`shared/contracts/README.md`
//! §1–4): base URL, bearer key (never printed), per-client timeout,
//! `X-Request-Id` and `Idempotency-Key` headers, the contract error body and
//! the single [`classify`] function that turns a failed call into a
//! [`CallError`]. No retries happen here: callers' durable jobs retry.

use caas_domain::partners::{CallError, RawEvent};
use reqwest::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Header carrying the idempotency key of a POST.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// Header carrying the per-call correlation id.
pub const REQUEST_ID: &str = "X-Request-Id";

/// Why a client could not be built.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// The base URL is not an absolute `http(s)://` URL.
    #[error("partner base URL is not valid: {0}")]
    BaseUrl(String),
    /// The HTTP client could not be initialised (TLS backend).
    #[error("HTTP client could not be built: {0}")]
    Client(String),
}

/// A bearer API key; its `Debug` never shows the value.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key issued out of band.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(**redacted**)")
    }
}

/// The contract error body `{"error": {"code", "message", "details"}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable `snake_case` code (`http_<status>` when the body had none).
    pub code: String,
    /// English text for humans; never parsed.
    #[serde(default)]
    pub message: String,
    /// Per-code details (`Null` when absent).
    #[serde(default)]
    pub details: serde_json::Value,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ApiError,
}

/// A response as received: status, raw body and `Retry-After`.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// Raw body bytes.
    pub body: Vec<u8>,
    /// `Retry-After` in integer seconds, when given.
    pub retry_after_secs: Option<u64>,
}

impl Reply {
    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Parses a success body; a body that breaks the contract is refused as
    /// `invalid_response` (a replay would return the same bytes).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, CallError> {
        serde_json::from_slice(&self.body).map_err(|e| CallError::Refused {
            code: "invalid_response".into(),
            message: format!("HTTP {} body does not match the contract: {e}", self.status),
        })
    }

    /// The contract error of a non-2xx body, or `http_<status>` without one.
    pub fn error(&self) -> ApiError {
        match serde_json::from_slice::<ErrorEnvelope>(&self.body) {
            Ok(env) if !env.error.code.is_empty() => env.error,
            _ => ApiError {
                code: format!("http_{}", self.status),
                message: String::from_utf8_lossy(&self.body).chars().take(200).collect(),
                details: serde_json::Value::Null,
            },
        }
    }

    /// Classifies this (non-2xx) reply with [`classify`].
    pub fn into_call_error(self) -> CallError {
        classify(Failure::Status {
            status: self.status,
            error: self.error(),
            retry_after_secs: self.retry_after_secs,
        })
    }
}

/// A call that did not produce a 2xx answer.
#[derive(Debug)]
pub enum Failure {
    /// No HTTP answer: connection error, timeout, broken body.
    Transport(reqwest::Error),
    /// A non-2xx answer with its contract error.
    Status {
        /// HTTP status code.
        status: u16,
        /// Parsed error body.
        error: ApiError,
        /// `Retry-After` seconds.
        retry_after_secs: Option<u64>,
    },
}

/// The one retry classification of every partner REST call (README §3):
/// transport failures, 429, 500, 502, 503, 504 and `409 idempotency_key_in_use`
/// are [`CallError::Transient`]; 401/403 are [`CallError::Unauthorized`];
/// everything else is a definitive [`CallError::Refused`].
pub fn classify(failure: Failure) -> CallError {
    match failure {
        Failure::Transport(e) => {
            let kind = if e.is_timeout() {
                "timeout"
            } else if e.is_connect() {
                "connection failed"
            } else {
                "transport error"
            };
            CallError::transient(format!("{kind}: {e}"))
        }
        Failure::Status {
            status,
            error,
            retry_after_secs,
        } => {
            let text = format!("HTTP {status} {}: {}", error.code, error.message);
            match status {
                429 | 500 | 502 | 503 | 504 => CallError::Transient {
                    message: text,
                    retry_after_secs,
                },
                409 if error.code == "idempotency_key_in_use" => CallError::Transient {
                    message: text,
                    retry_after_secs,
                },
                401 | 403 => CallError::Unauthorized(text),
                _ => CallError::Refused {
                    code: error.code,
                    message: error.message,
                },
            }
        }
    }
}

/// One partner's base URL, key and timeout over a shared `reqwest` client.
#[derive(Clone)]
pub struct PartnerHttp {
    partner: &'static str,
    base_url: Url,
    api_key: ApiKey,
    timeout: Duration,
    client: reqwest::Client,
}

impl std::fmt::Debug for PartnerHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartnerHttp")
            .field("partner", &self.partner)
            .field("base_url", &self.base_url.as_str())
            .field("api_key", &self.api_key)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl PartnerHttp {
    /// `partner` names the system in logs; `timeout` bounds each whole call
    /// (connect, send and read). Redirects are not followed.
    pub fn new(
        partner: &'static str,
        base_url: &str,
        api_key: ApiKey,
        timeout: Duration,
    ) -> Result<Self, ConfigError> {
        let base_url = Url::parse(base_url).map_err(|e| ConfigError::BaseUrl(e.to_string()))?;
        if base_url.cannot_be_a_base() || !matches!(base_url.scheme(), "http" | "https") {
            return Err(ConfigError::BaseUrl(format!(
                "{} is not an http(s) base URL",
                base_url.as_str()
            )));
        }
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConfigError::Client(e.to_string()))?;
        Ok(Self {
            partner,
            base_url,
            api_key,
            timeout,
            client,
        })
    }

    /// The configured per-call timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Base URL + percent-encoded path `segments` + `query` pairs.
    pub fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<Url, CallError> {
        let mut url = self.base_url.clone();
        {
            let mut path = url.path_segments_mut().map_err(|()| CallError::Refused {
                code: "invalid_base_url".into(),
                message: "base URL cannot take a path".into(),
            })?;
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// Sends one request and returns whatever status came back; only
    /// transport failures are errors here ([`classify`]d as transient).
    #[tracing::instrument(skip_all, fields(
        partner = self.partner,
        method = %method,
        path = %url.path(),
        request_id = tracing::field::Empty,
        status = tracing::field::Empty,
    ))]
    pub async fn send<B: Serialize + ?Sized>(
        &self,
        method: Method,
        url: Url,
        idempotency_key: Option<&str>,
        body: Option<&B>,
    ) -> Result<Reply, CallError> {
        let request_id = uuid::Uuid::new_v4().to_string();
        let span = tracing::Span::current();
        span.record("request_id", request_id.as_str());
        let mut bearer = HeaderValue::try_from(format!("Bearer {}", self.api_key.0))
            .map_err(|_| CallError::Unauthorized("API key is not a valid header value".into()))?;
        bearer.set_sensitive(true);
        let mut req = self
            .client
            .request(method, url)
            .header(AUTHORIZATION, bearer)
            .header(REQUEST_ID, request_id.as_str());
        if let Some(key) = idempotency_key {
            req = req.header(IDEMPOTENCY_KEY, idempotency_key_header(key)?);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| classify(Failure::Transport(e)))?;
        let status = resp.status().as_u16();
        span.record("status", status);
        let retry_after_secs = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let body = resp
            .bytes()
            .await
            .map_err(|e| classify(Failure::Transport(e)))?
            .to_vec();
        if status >= 400 {
            tracing::warn!(status, "partner answered with an error");
        } else {
            tracing::debug!(status, "partner answered");
        }
        Ok(Reply {
            status,
            body,
            retry_after_secs,
        })
    }
}

/// Validates a key against README §4 (1–255 printable ASCII characters).
fn idempotency_key_header(key: &str) -> Result<HeaderValue, CallError> {
    let printable = key.bytes().all(|b| (0x20..0x7f).contains(&b));
    match HeaderValue::from_str(key) {
        Ok(v) if printable && (1..=255).contains(&key.len()) => Ok(v),
        _ => Err(CallError::Refused {
            code: "invalid_idempotency_key".into(),
            message: "Idempotency-Key must be 1-255 printable ASCII characters".into(),
        }),
    }
}

/// Turns a `{"data": [Event, …]}` body into [`RawEvent`]s, each event
/// re-serialized compactly.
pub fn parse_event_list(reply: &Reply) -> Result<Vec<RawEvent>, CallError> {
    #[derive(Deserialize)]
    struct List {
        data: Vec<serde_json::Value>,
    }
    let list: List = reply.json()?;
    list.data
        .into_iter()
        .map(|event| {
            let id = event
                .get("id")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .ok_or_else(|| CallError::Refused {
                    code: "invalid_response".into(),
                    message: "event without an id".into(),
                })?;
            Ok(RawEvent {
                id,
                body: event.to_string(),
            })
        })
        .collect()
}
