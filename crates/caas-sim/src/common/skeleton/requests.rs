//! Request plumbing of the `/v1` routes the skeleton simulators share:
//! Idempotency-Key reservation scoped by the caller's API key, completion
//! through an optional guard, parsing of create bodies, the error bodies
//! for shape and rule violations, and the fetch / event-listing routes.

use super::{Core, Partner, SimRecord};
use crate::common::http::{bearer_token, json_response, parse_json, ApiError};
use crate::common::idempotency::{required_key, Begin, IdempotencyGuard};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::fmt::Display;
use std::sync::Arc;

/// Reserves the Idempotency-Key of a `POST` (scoped by the caller's API
/// key), or the replay / conflict response to return instead.
pub fn reserve_key<P: Partner>(
    core: &Core<P>,
    headers: &HeaderMap,
    key: &str,
    path: &str,
    body: &Value,
) -> Result<IdempotencyGuard, Box<Response>> {
    let scope = bearer_token(headers).unwrap_or_default();
    match core.idem.begin(scope, key, &Method::POST, path, body) {
        Begin::Proceed(guard) => Ok(guard),
        other => Err(Box::new(other.into_response())),
    }
}

/// Like [`reserve_key`] for routes where the key is optional.
pub fn reserve_optional_key<P: Partner>(
    core: &Core<P>,
    headers: &HeaderMap,
    key: Option<String>,
    path: &str,
    body: &Value,
) -> Result<Option<IdempotencyGuard>, Box<Response>> {
    key.map(|key| reserve_key(core, headers, &key, path, body))
        .transpose()
}

/// Answers `200` with `outcome` (or its error), through the idempotency
/// guard when there is one.
pub fn finish(guard: Option<IdempotencyGuard>, outcome: Result<Value, ApiError>) -> Response {
    match (guard, outcome) {
        (Some(g), Ok(body)) => g.complete(StatusCode::OK, body),
        (Some(g), Err(err)) => g.complete_error(err),
        (None, Ok(body)) => json_response(StatusCode::OK, &body),
        (None, Err(err)) => err.into_response(),
    }
}

/// A create request as received: its Idempotency-Key (required), the body
/// as JSON (the key's fingerprint) and the body parsed.
#[derive(Debug)]
pub struct CreateRequest<T> {
    /// The Idempotency-Key.
    pub key: String,
    /// The body as JSON.
    pub body: Value,
    /// The body parsed; `what` names it in the `400` (`order`, `shipment`…).
    pub parsed: T,
}

/// Reads a create request: `400` without a key, on malformed JSON or when
/// the body is not a `T` (message `Invalid <what>: …`).
pub fn read_create<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
    what: &str,
) -> Result<CreateRequest<T>, ApiError> {
    let key = required_key(headers)?;
    let body: Value = parse_json(body)?;
    let parsed = serde_json::from_value(body.clone())
        .map_err(|e| ApiError::invalid_request(format!("Invalid {what}: {e}")))?;
    Ok(CreateRequest { key, body, parsed })
}

/// `400 invalid_request` for a field of the wrong shape (`details.field`).
pub fn shape_error(field: String, message: impl Display) -> ApiError {
    ApiError::invalid_request(format!("{field} {message}")).with_details(json!({ "field": field }))
}

/// `422 <code>` listing rule violations in `details.violations`.
pub fn violations_error(code: &str, found: Vec<Value>) -> ApiError {
    let n = found.len();
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        code,
        format!("{n} violation{}", if n == 1 { "" } else { "s" }),
    )
    .with_details(json!({ "violations": found }))
}

/// `409 <code>` when the record is in a status that forbids the request.
pub fn status_conflict(code: &str, message: String, status: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message).with_details(json!({ "status": status }))
}

/// `GET /v1/<collection>/{id}`.
pub async fn fetch<P: Partner>(
    State(core): State<Arc<Core<P>>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let record = core.record_json(&id).ok_or_else(|| P::not_found(&id))?;
    Ok(json_response(StatusCode::OK, &record))
}

/// `GET /v1/<collection>/{id}/events`: every event recorded, in sequence order.
pub async fn events<P: Partner>(
    State(core): State<Arc<Core<P>>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let inner = core.lock();
    let record = inner.records.get(&id).ok_or_else(|| P::not_found(&id))?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "data": record.progress().events }),
    ))
}
