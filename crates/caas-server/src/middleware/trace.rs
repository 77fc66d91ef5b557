//! The request span: method, path and request id on every line logged while
//! the request is handled; one line per request at `debug`, and server
//! errors at `error` (with their cause logged where they were mapped). A
//! 503 from shedding or a timeout is logged where it is decided, not here.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// Layer function; see the module docs.
pub async fn span(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let span = tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id);
    async move {
        let started = std::time::Instant::now();
        let resp = next.run(req).await;
        let status = resp.status();
        if status.is_server_error() && status.as_u16() != 503 {
            tracing::error!(status = status.as_u16(), "request failed");
        } else {
            tracing::debug!(
                status = status.as_u16(),
                latency_us = started.elapsed().as_micros() as u64,
                "request"
            );
        }
        resp
    }
    .instrument(span)
    .await
}
