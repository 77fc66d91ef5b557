//! Version 1 of the API.

pub mod auth;
pub mod catalogue;
pub mod catalogue_admin;
pub mod delivery;
pub mod delivery_entries;
pub mod me;
pub mod notifications;
pub mod orders;
pub mod payment_methods;
pub mod purchases;
pub mod sales;
pub mod store;
pub mod support;
pub mod views;

use serde::Serialize;
use utoipa::ToSchema;

/// RFC 9457 problem details (as served with `application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Problem type URI (`/problems/<code>`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Explanation for this occurrence.
    pub detail: String,
    /// Field errors, for `validation_failed`.
    pub errors: Option<Vec<FieldError>>,
    /// For `conflict`: why, as a stable code (`senal_already_paid`,
    /// `vehicle_sold_meanwhile`…; `conflict` when the reason has none).
    pub code: Option<String>,
}

/// One invalid field.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    /// Field name.
    pub field: String,
    /// What is wrong.
    pub message: String,
}
