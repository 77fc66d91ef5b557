//! Cross-cutting HTTP layers: access guard (authentication, roles, CSRF),
//! metrics, security headers.

pub mod guard;
pub mod metrics;
pub mod security_headers;
