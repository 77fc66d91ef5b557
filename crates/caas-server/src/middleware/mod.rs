//! HTTP middleware: request ids, the request span, admission (shedding and
//! timeouts), metrics, security headers and the per-route guard.

pub mod admission;
pub mod guard;
pub mod metrics;
pub mod request_id;
pub mod security_headers;
pub mod trace;
