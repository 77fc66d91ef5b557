//! Request-level failure injection shared by the payments and SMS
//! simulators: answer the next N API requests `503` (or `429`) with
//! `Retry-After`, without any effect, as a real outage would.

use crate::common::http::ApiError;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Counters of pending injected failures; cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct RequestFaults {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    unavailable_code: &'static str,
    unavailable: AtomicU64,
    rate_limited: AtomicU64,
    retry_after_secs: AtomicU64,
    injected: AtomicU64,
}

/// The request-fault part of `POST /_sim/scenario` (all fields optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RequestFaultsPatch {
    /// Answer the next N API requests `503` with `Retry-After`.
    pub unavailable_for_next_requests: Option<u64>,
    /// Answer the next N API requests `429 rate_limited` with `Retry-After`.
    pub rate_limited_for_next_requests: Option<u64>,
    /// The `Retry-After` value of injected failures (default 1).
    pub retry_after_secs: Option<u64>,
}

/// Current state of the injected request failures.
#[derive(Debug, Clone, Serialize)]
pub struct RequestFaultsState {
    /// 503s still to answer.
    pub unavailable_for_next_requests: u64,
    /// 429s still to answer.
    pub rate_limited_for_next_requests: u64,
    /// `Retry-After` of injected failures.
    pub retry_after_secs: u64,
    /// Failures injected so far.
    pub injected: u64,
}

impl RequestFaults {
    /// No pending failures; injected 503s use `unavailable_code`
    /// (`service_unavailable`, `provider_unavailable`).
    pub fn new(unavailable_code: &'static str) -> Self {
        Self {
            inner: Arc::new(Inner {
                unavailable_code,
                unavailable: AtomicU64::new(0),
                rate_limited: AtomicU64::new(0),
                retry_after_secs: AtomicU64::new(1),
                injected: AtomicU64::new(0),
            }),
        }
    }

    /// Applies the fields present in `patch`.
    pub fn apply(&self, patch: &RequestFaultsPatch) {
        let i = &self.inner;
        if let Some(n) = patch.unavailable_for_next_requests {
            i.unavailable.store(n, Ordering::SeqCst);
        }
        if let Some(n) = patch.rate_limited_for_next_requests {
            i.rate_limited.store(n, Ordering::SeqCst);
        }
        if let Some(s) = patch.retry_after_secs {
            i.retry_after_secs.store(s, Ordering::SeqCst);
        }
    }

    /// A snapshot for the control endpoints.
    pub fn state(&self) -> RequestFaultsState {
        let i = &self.inner;
        RequestFaultsState {
            unavailable_for_next_requests: i.unavailable.load(Ordering::SeqCst),
            rate_limited_for_next_requests: i.rate_limited.load(Ordering::SeqCst),
            retry_after_secs: i.retry_after_secs.load(Ordering::SeqCst),
            injected: i.injected.load(Ordering::SeqCst),
        }
    }

    /// Consumes one pending failure, if any, as the error to answer.
    pub fn take(&self) -> Option<ApiError> {
        let i = &self.inner;
        let retry_after = i.retry_after_secs.load(Ordering::SeqCst);
        let err = if take_one(&i.unavailable) {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                i.unavailable_code,
                "The service is temporarily unavailable (simulated)",
            )
        } else if take_one(&i.rate_limited) {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Too many requests (simulated)",
            )
        } else {
            return None;
        };
        i.injected.fetch_add(1, Ordering::SeqCst);
        Some(err.with_retry_after(retry_after))
    }
}

fn take_one(counter: &AtomicU64) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

/// Middleware answering the injected failure before the request has any effect.
pub async fn inject_failures(
    State(faults): State<RequestFaults>,
    req: Request,
    next: Next,
) -> Response {
    match faults.take() {
        Some(err) => err.into_response(),
        None => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injected_failures_are_consumed_one_per_request() {
        let f = RequestFaults::new("service_unavailable");
        f.apply(&RequestFaultsPatch {
            unavailable_for_next_requests: Some(2),
            rate_limited_for_next_requests: Some(1),
            retry_after_secs: Some(3),
        });
        let codes: Vec<_> = std::iter::from_fn(|| f.take())
            .map(|e| (e.code, e.retry_after))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("service_unavailable".to_string(), Some(3)),
                ("service_unavailable".to_string(), Some(3)),
                ("rate_limited".to_string(), Some(3)),
            ]
        );
        assert_eq!(f.state().injected, 3);
    }
}
