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
        serde_json::from_slice(&self.body)
            .map_err(|e| invalid_response(format!("{} body breaks the contract: {e}", self.status)))
    }

    /// Parses a `{"data": [Event, …]}` body into [`RawEvent`]s, each event
    /// re-serialized compactly.
    pub fn events(&self) -> Result<Vec<RawEvent>, CallError> {
        #[derive(Deserialize)]
        struct List {
            data: Vec<serde_json::Value>,
        }
        let list: List = self.json()?;
        let event = |e: serde_json::Value| match e.get("id").and_then(|v| v.as_str()) {
            Some(id) => Ok(RawEvent {
                id: id.to_owned(),
                body: e.to_string(),
            }),
            None => Err(invalid_response("event without an id".into())),
        };
        list.data.into_iter().map(event).collect()
    }

    /// The contract error of a non-2xx body, or `http_<status>` without one.
    pub fn error(&self) -> ApiError {
        match serde_json::from_slice::<ErrorEnvelope>(&self.body) {
            Ok(env) if !env.error.code.is_empty() => env.error,
            _ => ApiError {
                code: format!("http_{}", self.status),
                message: String::from_utf8_lossy(&self.body)
                    .chars()
                    .take(200)
                    .collect(),
                details: serde_json::Value::Null,
            },
        }
    }

    /// Classifies this (non-2xx) reply with [`classify`].
    pub fn into_call_error(self) -> CallError {
        classify(Failure::Status(self))
    }
}

/// A call that did not produce a 2xx answer.
#[derive(Debug)]
pub enum Failure {
    /// No HTTP answer: connection error, timeout, broken body.
    Transport(reqwest::Error),
    /// A non-2xx answer.
    Status(Reply),
}

/// The one retry classification of every partner REST call (README §3):
/// transport failures, 429, 500, 502, 503, 504 and `409 idempotency_key_in_use`
/// are [`CallError::Transient`]; 401/403 are [`CallError::Unauthorized`];
/// everything else is a definitive [`CallError::Refused`].
pub fn classify(failure: Failure) -> CallError {
    match failure {
        Failure::Transport(e) => {
            let kind = match (e.is_timeout(), e.is_connect()) {
                (true, _) => "timeout",
                (_, true) => "connection failed",
                _ => "transport error",
            };
            CallError::transient(format!("{kind}: {e}"))
        }
        Failure::Status(reply) => {
            let (status, error, retry_after_secs) =
                (reply.status, reply.error(), reply.retry_after_secs);
            let message = format!("HTTP {status} {}: {}", error.code, error.message);
            let in_use = status == 409 && error.code == "idempotency_key_in_use";
            let transient = in_use || matches!(status, 429 | 500 | 502 | 503 | 504);
            match status {
                _ if transient => CallError::Transient {
                    message,
                    retry_after_secs,
                },
                401 | 403 => CallError::Unauthorized(message),
                _ => CallError::Refused {
                    code: error.code,
                    message: error.message,
                },
            }
        }
    }
}

/// One partner's base URL and key over a `reqwest` client holding the
/// timeout. `Debug` shows the key as redacted.
#[derive(Debug, Clone)]
pub struct PartnerHttp {
    partner: &'static str,
    base_url: Url,
    api_key: ApiKey,
    client: reqwest::Client,
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
            client,
        })
    }

    /// Base URL + percent-encoded path `segments` + `query` pairs.
    pub fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.base_url.clone();
        // `new` checked that the base URL can take a path.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
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
        let transport = |e| classify(Failure::Transport(e));
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
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        span.record("status", status);
        let retry_after_secs = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let body = resp.bytes().await.map_err(transport)?.to_vec();
        if status >= 400 {
            tracing::warn!(status, "partner answered with an error");
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

fn invalid_response(message: String) -> CallError {
    CallError::Refused {
        code: "invalid_response".into(),
        message,
    }
}
