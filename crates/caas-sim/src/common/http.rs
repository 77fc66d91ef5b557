//! HTTP helpers for the contract (`shared/contracts/README.md` §1–3):
//! `{"error":{"code","message","details"}}` bodies, bearer API-key check,
//! `X-Request-Id` echo, and JSON body parsing answering `400 invalid_request`.

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// `X-Request-Id` header name.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds a contract error response: `{"error":{"code","message","details"}}`
/// (`details` omitted when `None`).
pub fn error_response(
    status: StatusCode,
    code: &str,
    message: &str,
    details: Option<Value>,
) -> Response {
    let mut error = json!({ "code": code, "message": message });
    if let Some(details) = details {
        error["details"] = details;
    }
    json_response(status, &json!({ "error": error }))
}

/// Serialises `body` as JSON with `status` and `Content-Type: application/json`.
pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "serialisation failed").into_response(),
    }
}

/// A contract error as a value, convertible into a [`Response`].
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable `snake_case` code.
    pub code: String,
    /// English message for humans.
    pub message: String,
    /// Optional per-code details object.
    pub details: Option<Value>,
    /// `Retry-After` seconds, if any.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error without details.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }

    /// `400 invalid_request`.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    /// `404` with the given code (`not_found`, `order_not_found`…).
    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    /// Adds a `details` object.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Adds a `Retry-After` header (seconds).
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// The JSON body this error renders to.
    pub fn body(&self) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(details) = &self.details {
            error["details"] = details.clone();
        }
        json!({ "error": error })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = json_response(self.status, &self.body());
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

/// The bearer token of `Authorization: Bearer <token>`, if present.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Checks the bearer token against `expected`: `401 unauthenticated` otherwise.
pub fn check_bearer(headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    match bearer_token(headers) {
        Some(token) if token == expected => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Invalid API key",
        )),
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Missing Authorization: Bearer <api_key>",
        )),
    }
}

/// The API key a router accepts, as state for [`require_bearer`].
#[derive(Debug, Clone)]
pub struct ApiKey(pub Arc<str>);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: &str) -> Self {
        Self(Arc::from(key))
    }
}

/// Middleware: `401 unauthenticated` unless the bearer token equals the key.
/// Use as `router.route_layer(axum::middleware::from_fn_with_state(ApiKey::new(k), require_bearer))`.
pub async fn require_bearer(State(key): State<ApiKey>, req: Request, next: Next) -> Response {
    match check_bearer(req.headers(), &key.0) {
        Ok(()) => next.run(req).await,
        Err(err) => err.into_response(),
    }
}

/// Middleware: echoes a valid incoming `X-Request-Id` (≤ 128 visible ASCII
/// chars) or generates `req_…`, and sets it on the response.
/// Use as `router.layer(axum::middleware::from_fn(request_id))`.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let incoming = req
        .headers()
        .get(&REQUEST_ID)
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.to_str().is_ok())
        .cloned();
    let id = match incoming {
        Some(v) => v,
        None => {
            let generated = HeaderValue::from_str(&super::new_id("req"));
            match generated {
                Ok(v) => v,
                Err(_) => HeaderValue::from_static("req_unknown"),
            }
        }
    };
    req.headers_mut().insert(REQUEST_ID, id.clone());
    let mut resp = next.run(req).await;
    resp.headers_mut().insert(REQUEST_ID, id);
    resp
}

/// Parses a JSON body: `400 invalid_request` on malformed JSON or wrong shape.
pub fn parse_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|err| ApiError::invalid_request(format!("Invalid JSON body: {err}")))
}

/// Parses an optional JSON body: empty (or whitespace) → `Value::Null`.
pub fn parse_json_value_or_null(body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(Value::Null)
    } else {
        parse_json(body)
    }
}

/// Fallback handler: `404 not_found` in the contract shape.
pub async fn not_found_fallback() -> Response {
    ApiError::not_found("not_found", "No such endpoint").into_response()
}
