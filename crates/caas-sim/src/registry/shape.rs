//! `400 invalid_request` checks of a registration request body: every
//! required field present, non-empty and of the right JSON type, with
//! `details.field` naming the first offender, then parsing into the
//! domain's [`RegistrationRequest`].

use crate::common::http::ApiError;
use caas_domain::partners_delivery::RegistrationRequest;
use chrono::{DateTime, NaiveDate};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy)]
enum Kind {
    Str,
    Int,
    Date,
    Time,
    Obj,
    Arr,
}

use Kind::{Arr, Date, Int, Obj, Str, Time};

/// Fields every request must carry (parents before children).
const REQUIRED: &[(&str, Kind)] = &[
    ("vin", Str),
    ("country", Str),
    ("owner", Obj),
    ("owner.type", Str),
    ("owner.id_document", Obj),
    ("owner.id_document.type", Str),
    ("owner.id_document.number", Str),
    ("owner.id_document.issuing_country", Str),
    ("owner.address", Obj),
    ("owner.address.line1", Str),
    ("owner.address.postal_code", Str),
    ("owner.address.locality", Str),
    ("owner.address.country", Str),
    ("vehicle", Obj),
    ("vehicle.make", Str),
    ("vehicle.model_code", Str),
    ("vehicle.model_name", Str),
    ("vehicle.propulsion", Str),
    ("vehicle.power_kw", Int),
    ("vehicle.mass_kg", Int),
    ("vehicle.co2_g_km", Int),
    ("vehicle.colour", Str),
    ("vehicle.completed_on", Date),
    ("vehicle.coc_number", Str),
    ("dealership_id", Str),
    ("proof_of_payment", Obj),
    ("proof_of_payment.invoice_number", Str),
    ("proof_of_payment.invoice_date", Date),
    ("proof_of_payment.total_amount", Int),
    ("proof_of_payment.amount_paid", Int),
    ("proof_of_payment.currency", Str),
    ("proof_of_payment.paid_at", Time),
    ("proof_of_payment.payment_references", Arr),
    ("documents", Arr),
];

const INDIVIDUAL: &[(&str, Kind)] = &[
    ("owner.given_names", Str),
    ("owner.family_names", Str),
    ("owner.birth_date", Date),
];

const COMPANY: &[(&str, Kind)] = &[("owner.legal_name", Str)];

fn invalid(field: &str, problem: &str) -> ApiError {
    ApiError::invalid_request(format!("{field} {problem}")).with_details(json!({ "field": field }))
}

fn get<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(body, |v, key| v.get(key))
        .filter(|v| !v.is_null())
}

/// `Ok` when `value` is a non-empty value of `kind`; else the problem.
fn check(value: &Value, kind: Kind) -> Result<(), &'static str> {
    let ok = match kind {
        Str => return value.as_str().map_or(Err("must be a string"), non_empty),
        Int => value.is_i64(),
        Date => value
            .as_str()
            .is_some_and(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()),
        Time => value
            .as_str()
            .is_some_and(|s| DateTime::parse_from_rfc3339(s).is_ok()),
        Obj => value.is_object(),
        Arr => value.is_array(),
    };
    match (ok, kind) {
        (true, _) => Ok(()),
        (false, Int) => Err("must be an integer"),
        (false, Date) => Err("must be an RFC 3339 full-date"),
        (false, Time) => Err("must be an RFC 3339 timestamp"),
        (false, Obj) => Err("must be an object"),
        (false, _) => Err("must be an array"),
    }
}

fn non_empty(s: &str) -> Result<(), &'static str> {
    if s.trim().is_empty() {
        Err("must not be empty")
    } else {
        Ok(())
    }
}

fn require(body: &Value, fields: &[(&str, Kind)]) -> Result<(), ApiError> {
    for (path, kind) in fields {
        let value = get(body, path).ok_or_else(|| invalid(path, "is required"))?;
        check(value, *kind).map_err(|problem| invalid(path, problem))?;
    }
    Ok(())
}

/// Checks the body and parses it; `400 invalid_request` with `details.field`.
pub fn parse_request(body: &Value) -> Result<RegistrationRequest, ApiError> {
    if !body.is_object() {
        return Err(ApiError::invalid_request("The body must be a JSON object"));
    }
    require(body, REQUIRED)?;
    match get(body, "owner.type").and_then(Value::as_str) {
        Some("individual") => require(body, INDIVIDUAL)?,
        Some("company") => require(body, COMPANY)?,
        _ => return Err(invalid("owner.type", "must be individual or company")),
    }
    let refs = get(body, "proof_of_payment.payment_references").and_then(Value::as_array);
    for (i, r) in refs.into_iter().flatten().enumerate() {
        check(r, Str)
            .map_err(|p| invalid(&format!("proof_of_payment.payment_references[{i}]"), p))?;
    }
    let docs = get(body, "documents").and_then(Value::as_array);
    for (i, doc) in docs.into_iter().flatten().enumerate() {
        for key in ["type", "reference"] {
            let field = format!("documents[{i}].{key}");
            let value = doc.get(key).filter(|v| !v.is_null());
            let value = value.ok_or_else(|| invalid(&field, "is required"))?;
            check(value, Str).map_err(|p| invalid(&field, p))?;
        }
    }
    serde_json::from_value(body.clone())
        .map_err(|e| ApiError::invalid_request(format!("Invalid registration request: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(err: ApiError) -> Value {
        err.details.unwrap()["field"].clone()
    }

    #[test]
    fn the_first_missing_or_mistyped_field_is_named() {
        assert_eq!(field(parse_request(&json!({})).unwrap_err()), "vin");
        let body = json!({"vin": "V", "country": "ES", "owner": {"type": "robot"}});
        assert_eq!(
            field(parse_request(&body).unwrap_err()),
            "owner.id_document"
        );
        let body = json!({"vin": 17, "country": "ES"});
        assert_eq!(field(parse_request(&body).unwrap_err()), "vin");
        assert!(parse_request(&json!([])).is_err());
    }
}
