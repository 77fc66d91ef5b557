//! Admission: a bound on requests in flight and on how long one may take.
//! Beyond `max_in_flight` a request is refused at once with 503 and
//! `Retry-After` (load shedding) instead of queueing without bound; a request
//! running past `timeout` is stopped (its future dropped: every store
//! operation is cancel-safe) and answered 503. Health and metrics are exempt,
//! so an overloaded instance can still be observed.

use crate::error::answer_for_path;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use caas_app::AppError;
use caas_domain::account::Language;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The limits of one server.
#[derive(Debug)]
pub struct Admission {
    permits: Arc<Semaphore>,
    timeout: Duration,
}

impl Admission {
    /// At most `max_in_flight` requests at once, each at most `timeout`.
    pub fn new(max_in_flight: usize, timeout: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_in_flight.max(1))),
            timeout,
        }
    }
}

fn exempt(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics")
}

fn language(req: &Request) -> Language {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or_default()
}

/// Layer function; see the module docs.
pub async fn admit(State(a): State<Arc<Admission>>, req: Request, next: Next) -> Response {
    if exempt(req.uri().path()) {
        return next.run(req).await;
    }
    let Ok(permit) = a.permits.clone().try_acquire_owned() else {
        let overloaded = AppError::Overloaded {
            retry_after_secs: 1,
        };
        return answer_for_path(req.uri().path(), language(&req), overloaded);
    };
    let (path, lang) = (req.uri().path().to_owned(), language(&req));
    let answer = tokio::time::timeout(a.timeout, next.run(req)).await;
    drop(permit);
    match answer {
        Ok(resp) => resp,
        Err(_) => {
            tracing::warn!(timeout = ?a.timeout, "request stopped: it took too long");
            answer_for_path(&path, lang, AppError::TimedOut)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    fn app(a: Arc<Admission>, gate: Arc<tokio::sync::Notify>) -> Router {
        Router::new()
            .route(
                "/api/v1/slow",
                get(move || {
                    let gate = gate.clone();
                    async move {
                        gate.notified().await;
                        "done"
                    }
                }),
            )
            .route("/healthz", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(a, admit))
    }

    fn get_req(path: &str) -> Request {
        Request::builder().uri(path).body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn beyond_the_limit_a_request_is_refused_at_once_with_retry_after_and_health_still_answers(
    ) {
        let a = Arc::new(Admission::new(1, Duration::from_secs(30)));
        let gate = Arc::new(tokio::sync::Notify::new());
        let router = app(a, gate.clone());
        let first = tokio::spawn(router.clone().oneshot(get_req("/api/v1/slow")));
        tokio::time::sleep(Duration::from_millis(50)).await;
        let refused = router
            .clone()
            .oneshot(get_req("/api/v1/slow"))
            .await
            .unwrap();
        assert_eq!(refused.status(), 503);
        assert_eq!(refused.headers()["retry-after"], "1");
        assert_eq!(
            refused.headers()["content-type"],
            "application/problem+json"
        );
        let health = router.clone().oneshot(get_req("/healthz")).await.unwrap();
        assert_eq!(health.status(), 200);
        gate.notify_one();
        assert_eq!(first.await.unwrap().unwrap().status(), 200);
        // Room again once the first one finished.
        let again = tokio::spawn(router.clone().oneshot(get_req("/api/v1/slow")));
        tokio::time::sleep(Duration::from_millis(50)).await;
        gate.notify_one();
        assert_eq!(again.await.unwrap().unwrap().status(), 200);
    }

    #[tokio::test]
    async fn a_request_past_the_timeout_is_stopped_and_answered_503() {
        let a = Arc::new(Admission::new(8, Duration::from_millis(100)));
        let router = app(a, Arc::new(tokio::sync::Notify::new()));
        let started = std::time::Instant::now();
        let resp = router.oneshot(get_req("/api/v1/slow")).await.unwrap();
        assert_eq!(resp.status(), 503);
        assert!(resp.headers().contains_key("retry-after"));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
