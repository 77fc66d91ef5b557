//! Helpers every web surface uses (customer, intranet, ops): the notice
//! query of a page, an order id from a path, an invoice PDF as a download.
//! Page modules take them from here, not from each other.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use caas_app::AppError;
use caas_domain::ids::OrderId;
use serde::Deserialize;

/// The `?n=` notice key of a page (what was just done).
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    n: Option<String>,
}

impl NoticeQuery {
    /// The notice key, if any.
    pub fn n(&self) -> Option<&str> {
        self.n.as_deref()
    }
}

/// Parses an order id from a path; a malformed one is not found.
pub fn order_id(s: &str) -> Result<OrderId, AppError> {
    OrderId::parse(s).map_err(|_| AppError::NotFound)
}

/// An invoice PDF as a download.
pub fn pdf_response(number: &str, pdf: Vec<u8>) -> Response {
    let mut resp = pdf.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    let safe: String = number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}.pdf\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    resp
}
