//! Business checks of a well-formed registration request (`422`s of
//! `registration-api.md`): `wrong_country`, `invalid_vehicle_data`,
//! `owner_identity_invalid` (type, format, ES check letter, the simulator's
//! all-zeros `not_found`, `underage`) and `missing_document`.

use crate::common::http::ApiError;
use axum::http::StatusCode;
use caas_domain::partners_delivery::RegistrationRequest;
use caas_partners::registration::pattern;
use caas_partners::registration::rules::identity_format;
use caas_partners::registration::{check_identity, required_documents, IdentityProblem, OwnerKind};
use chrono::NaiveDate;
use serde_json::{json, Value};

/// Propulsions of the contract.
const PROPULSIONS: [&str; 5] = ["bev", "phev", "hev", "petrol", "diesel"];

fn unprocessable(code: &str, message: impl Into<String>, details: Value) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).with_details(details)
}

/// `422 wrong_country` unless `country` and the owner's address country are `cc`.
pub fn country(cc: &str, req: &RegistrationRequest) -> Result<(), ApiError> {
    for (field, value) in [
        ("country", &req.country),
        ("owner.address.country", &req.owner.address.country),
    ] {
        if value != cc {
            let msg = format!("{field} is {value}; this is the {cc} registration service");
            return Err(unprocessable(
                "wrong_country",
                msg,
                json!({ "field": field }),
            ));
        }
    }
    Ok(())
}

/// True for a contract VIN: 17 chars of `[A-HJ-NPR-Z0-9]`.
pub fn vin_is_valid(vin: &str) -> bool {
    pattern::matches("^[A-HJ-NPR-Z0-9]{17}$", vin)
}

fn vehicle_error(violations: Vec<Value>) -> ApiError {
    let msg = format!("{} vehicle data violation(s)", violations.len());
    unprocessable(
        "invalid_vehicle_data",
        msg,
        json!({ "violations": violations }),
    )
}

/// `422 invalid_vehicle_data` for a malformed VIN.
pub fn vin(req: &RegistrationRequest) -> Result<(), ApiError> {
    if vin_is_valid(&req.vin) {
        return Ok(());
    }
    Err(vehicle_error(vec![
        json!({"field": "vin", "reason": "format"}),
    ]))
}

/// `422 invalid_vehicle_data` with every violation of the technical data.
/// A `coc_number` containing `UNKNOWN` is unknown to the simulated registry.
pub fn vehicle(req: &RegistrationRequest) -> Result<(), ApiError> {
    let v = &req.vehicle;
    let mut out = Vec::new();
    let mut add = |field: &str, reason: &str| out.push(json!({"field": field, "reason": reason}));
    if !PROPULSIONS.contains(&v.propulsion.as_str()) {
        add("vehicle.propulsion", "unknown_propulsion");
    }
    if v.propulsion == "bev" && v.co2_g_km != 0 {
        add("vehicle.co2_g_km", "must_be_zero_for_bev");
    }
    if v.power_kw <= 0 {
        add("vehicle.power_kw", "must_be_positive");
    }
    if v.mass_kg <= 0 {
        add("vehicle.mass_kg", "must_be_positive");
    }
    if v.coc_number.to_ascii_uppercase().contains("UNKNOWN") {
        add("vehicle.coc_number", "unknown_coc_number");
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(vehicle_error(out))
    }
}

fn identity_error(field: &str, reason: &str, message: impl Into<String>) -> ApiError {
    let details = json!({ "field": field, "reason": reason });
    unprocessable("owner_identity_invalid", message, details)
}

/// The simulator rule: a well-formed number whose digits are all `0`
/// (letters ignored), or the smallest first digit the format allows
/// followed by zeros, is unknown to the population/company register.
pub fn is_all_zeros(format: &str, number: &str) -> bool {
    let digits: Vec<usize> = number
        .char_indices()
        .filter(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    let Some(&first) = digits.first() else {
        return false;
    };
    if digits[1..].iter().any(|i| number.as_bytes()[*i] != b'0') {
        return false;
    }
    let smallest = ('0'..='9').find(|d| {
        let mut candidate = number.to_owned();
        candidate.replace_range(first..first + 1, &d.to_string());
        pattern::matches(format, &candidate)
    });
    smallest.is_some_and(|d| number[first..].starts_with(d))
}

/// `422 owner_identity_invalid`: document type allowed for the country and
/// owner type, format, ES check letter, all-zeros `not_found`, and for
/// individuals age ≥ 18 on `today` (the registration date).
pub fn identity(cc: &str, req: &RegistrationRequest, today: NaiveDate) -> Result<(), ApiError> {
    let owner = &req.owner;
    let doc = &owner.id_document;
    let kind = match check_identity(cc, &doc.kind, &doc.number) {
        Ok(kind) => kind,
        Err(p @ IdentityProblem::UnsupportedType { .. }) => {
            return Err(identity_error(
                "owner.id_document.type",
                p.reason(),
                p.to_string(),
            ))
        }
        Err(p) => {
            return Err(identity_error(
                "owner.id_document.number",
                p.reason(),
                p.to_string(),
            ))
        }
    };
    if Some(kind) != OwnerKind::parse(&owner.kind) {
        let msg = format!(
            "{} identifies a {}, not a {}",
            doc.kind,
            kind.as_str(),
            owner.kind
        );
        return Err(identity_error("owner.id_document.type", "format", msg));
    }
    let format = identity_format(cc, &doc.kind)
        .map(|(_, f)| f)
        .unwrap_or_default();
    if is_all_zeros(format, &doc.number) {
        let msg = format!("{} {} is unknown to the register", doc.kind, doc.number);
        return Err(identity_error("owner.id_document.number", "not_found", msg));
    }
    if kind == OwnerKind::Individual {
        let age = owner
            .birth_date
            .and_then(|b| today.years_since(b))
            .unwrap_or(0);
        if age < 18 {
            let msg = format!("The owner is {age} on {today}; owners must be 18 or older");
            return Err(identity_error("owner.birth_date", "underage", msg));
        }
    }
    Ok(())
}

/// `422 missing_document`: required types absent, and `proof_of_payment`
/// `not_fully_paid` when `amount_paid < total_amount`.
pub fn documents(cc: &str, req: &RegistrationRequest) -> Result<(), ApiError> {
    let mut missing: Vec<Value> = required_documents(cc)
        .iter()
        .filter(|ty| !req.documents.iter().any(|d| d.kind == **ty))
        .map(|ty| json!({"type": ty, "reason": "absent"}))
        .collect();
    let pop = &req.proof_of_payment;
    if pop.amount_paid < pop.total_amount {
        missing.push(json!({"type": "proof_of_payment", "reason": "not_fully_paid"}));
    }
    if missing.is_empty() {
        return Ok(());
    }
    let msg = format!(
        "{} required document(s) missing or insufficient",
        missing.len()
    );
    Err(unprocessable(
        "missing_document",
        msg,
        json!({ "missing": missing }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_zero_numbers_are_detected_per_format() {
        assert!(is_all_zeros("^[0-9]{8}[A-Z]$", "00000000T"));
        assert!(!is_all_zeros("^[0-9]{8}[A-Z]$", "10000000T"));
        assert!(is_all_zeros("^[1-9][0-9]{8}$", "100000000"));
        assert!(!is_all_zeros("^[1-9][0-9]{8}$", "200000000"));
        assert!(is_all_zeros("^[5-9][0-9]{8}$", "500000000"));
        assert!(is_all_zeros("^[A-Z]{2}[0-9]{5}[A-Z]{2}$", "AA00000AA"));
        assert!(is_all_zeros("^[XYZ][0-9]{7}[A-Z]$", "X0000000T"));
        assert!(!is_all_zeros("^[A-Z0-9]{6,9}$", "ABCDEFG"));
        assert!(vin_is_valid("VSSZZZ5FZR6000123"));
        assert!(!vin_is_valid("VSSZZZ5FZR600012O"));
        assert!(!vin_is_valid("VSSZZZ5FZR600012"));
    }
}
