//! In-memory `Idempotency-Key` store per `shared/contracts/README.md` §4.
//!
//! Keys are scoped by API credential. A handler calls
//! [`IdempotencyStore::begin`]; on [`Begin::Proceed`] it executes and then
//! calls [`IdempotencyGuard::complete`] (stores the response unless it is
//! 400/401/403/429/5xx) — dropping the guard instead releases the key.

use super::http::{json_response, ApiError};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Header name of the idempotency key.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Header added on replayed responses (`true`).
pub const REPLAYED: &str = "idempotent-replayed";
/// How long completed keys are kept.
pub const RETENTION: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Clone, PartialEq)]
struct Fingerprint {
    method: Method,
    path: String,
    body: Value,
}

#[derive(Debug, Clone)]
enum Entry {
    InFlight(Fingerprint),
    Done {
        fingerprint: Fingerprint,
        status: StatusCode,
        body: Value,
        stored_at: Instant,
    },
}

type Slot = (String, String);

/// Thread-safe store, cheap to clone (shared state).
#[derive(Debug, Clone, Default)]
pub struct IdempotencyStore {
    inner: Arc<Mutex<HashMap<Slot, Entry>>>,
}

/// Outcome of [`IdempotencyStore::begin`].
#[derive(Debug)]
pub enum Begin {
    /// First use of the key: execute, then complete the guard.
    Proceed(IdempotencyGuard),
    /// Stored response to return as is (has `Idempotent-Replayed: true`).
    Replay(Response),
    /// `409 idempotency_key_reused` or `409 idempotency_key_in_use`.
    Conflict(ApiError),
}

/// Reservation of a key while its request executes; releases on drop.
#[derive(Debug)]
pub struct IdempotencyGuard {
    store: IdempotencyStore,
    slot: Option<Slot>,
}

/// Reads and validates the `Idempotency-Key` header (1–255 printable ASCII).
/// `Ok(None)` when absent; `400 invalid_request` when malformed.
pub fn key_from_headers(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(raw) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let bytes = raw.as_bytes();
    if bytes.is_empty() || bytes.len() > 255 || !bytes.iter().all(|b| (0x20..0x7f).contains(b)) {
        return Err(ApiError::invalid_request(
            "Idempotency-Key must be 1-255 printable ASCII characters",
        ));
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

/// Like [`key_from_headers`] but `400 idempotency_key_required` when absent.
pub fn required_key(headers: &HeaderMap) -> Result<String, ApiError> {
    key_from_headers(headers)?.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "idempotency_key_required",
            "This endpoint requires an Idempotency-Key header",
        )
    })
}

/// Whether a response with this status is stored (§4: not 400/401/403/429/5xx).
pub fn is_storable(status: StatusCode) -> bool {
    !(matches!(status.as_u16(), 400 | 401 | 403 | 429) || status.is_server_error())
}

impl IdempotencyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Slot, Entry>> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts a request with `key` under credential `scope`. `body` is the
    /// parsed JSON body (`Value::Null` when empty); `path` excludes the query.
    pub fn begin(
        &self,
        scope: &str,
        key: &str,
        method: &Method,
        path: &str,
        body: &Value,
    ) -> Begin {
        let fingerprint = Fingerprint {
            method: method.clone(),
            path: path.to_owned(),
            body: body.clone(),
        };
        let slot = (scope.to_owned(), key.to_owned());
        let mut map = self.lock();
        map.retain(
            |_, e| !matches!(e, Entry::Done { stored_at, .. } if stored_at.elapsed() > RETENTION),
        );
        match map.get(&slot) {
            None => {
                map.insert(slot.clone(), Entry::InFlight(fingerprint));
                Begin::Proceed(IdempotencyGuard {
                    store: self.clone(),
                    slot: Some(slot),
                })
            }
            Some(Entry::InFlight(fp)) if *fp == fingerprint => Begin::Conflict(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still executing; retry later",
            )),
            Some(Entry::Done {
                fingerprint: fp,
                status,
                body,
                ..
            }) if *fp == fingerprint => {
                let mut resp = json_response(*status, body);
                resp.headers_mut()
                    .insert(REPLAYED, HeaderValue::from_static("true"));
                Begin::Replay(resp)
            }
            Some(_) => Begin::Conflict(reused()),
        }
    }

    /// Number of stored (completed) keys.
    pub fn stored_len(&self) -> usize {
        self.lock()
            .values()
            .filter(|e| matches!(e, Entry::Done { .. }))
            .count()
    }
}

fn reused() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "idempotency_key_reused",
        "This Idempotency-Key was used with a different method, path or body",
    )
}

impl IdempotencyGuard {
    /// Records the outcome (if storable) and returns it as a JSON response.
    pub fn complete(mut self, status: StatusCode, body: Value) -> Response {
        if let Some(slot) = self.slot.take() {
            let mut map = self.store.lock();
            if is_storable(status) {
                if let Some(Entry::InFlight(fingerprint)) = map.remove(&slot) {
                    map.insert(
                        slot,
                        Entry::Done {
                            fingerprint,
                            status,
                            body: body.clone(),
                            stored_at: Instant::now(),
                        },
                    );
                }
            } else {
                map.remove(&slot);
            }
        }
        json_response(status, &body)
    }

    /// Completes with an error: stored when storable (404, 409, 422), else released.
    pub fn complete_error(self, err: ApiError) -> Response {
        let retry_after = err.retry_after;
        let mut resp = self.complete(err.status, err.body());
        if let Some(secs) = retry_after {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }

    /// Releases the key without storing anything (same as dropping).
    pub fn release(self) {}
}

impl Drop for IdempotencyGuard {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            let mut map = self.store.lock();
            if matches!(map.get(&slot), Some(Entry::InFlight(_))) {
                map.remove(&slot);
            }
        }
    }
}

impl IntoResponse for Begin {
    /// Replay/Conflict render directly; `Proceed` should not be rendered
    /// (it answers `500 internal_error` and releases the key).
    fn into_response(self) -> Response {
        match self {
            Begin::Replay(resp) => resp,
            Begin::Conflict(err) => err.into_response(),
            Begin::Proceed(_) => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "idempotent request was not executed",
            )
            .into_response(),
        }
    }
}
