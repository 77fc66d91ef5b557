//! Validation of `POST /v1/messages` bodies: required fields, E.164
//! destination, body length by encoding (≤ 6 segments), sender id rules.

use super::encoding::{segment, MAX_SEGMENTS};
use super::engine::Fate;
use crate::common::http::ApiError;
use axum::http::StatusCode;
use serde_json::{json, Value};

/// A validated `POST /v1/messages` body.
pub struct Submission {
    /// E.164 destination.
    pub to: String,
    /// Message text.
    pub text: String,
    /// Sender id.
    pub sender: String,
    /// Platform reference.
    pub reference: Option<String>,
    /// Validity period in seconds.
    pub validity: i64,
}

/// `422 <code>` pointing at `field`.
pub fn unprocessable(code: &str, message: &str, field: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
        .with_details(json!({ "field": field }))
}

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::invalid_request(message).with_details(json!({ "field": field }))
}

/// E.164: `+`, a non-zero digit, then 7–14 more digits.
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// Alphanumeric sender id `^[A-Za-z0-9 ]{3,11}$` with a letter, or E.164.
pub fn sender_allowed(s: &str) -> bool {
    let alnum = (3..=11).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ')
        && s.bytes().any(|b| b.is_ascii_alphabetic());
    alnum || is_e164(s)
}

fn str_field(body: &Value, field: &str, required: bool) -> Result<Option<String>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) if required => {
            Err(invalid(field, &format!("{field} is required")))
        }
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(field, &format!("{field} must be a string"))),
    }
}

/// Validates a `POST /v1/messages` body (the test number `+34699000003`
/// is refused like an invalid number).
pub fn validate(body: &Value) -> Result<Submission, ApiError> {
    if !matches!(body, Value::Object(_)) {
        return Err(ApiError::invalid_request("The body must be a JSON object"));
    }
    let to = str_field(body, "to", true)?.unwrap_or_default();
    let text = str_field(body, "body", true)?.unwrap_or_default();
    let sender = str_field(body, "sender", true)?.unwrap_or_default();
    let reference = str_field(body, "reference", false)?;
    let validity = match body.get("validity_period_s") {
        None | Some(Value::Null) => 86_400,
        Some(v) => match v.as_i64() {
            Some(n) if (60..=259_200).contains(&n) => n,
            _ => {
                return Err(invalid(
                    "validity_period_s",
                    "validity_period_s must be 60…259200",
                ))
            }
        },
    };
    if text.is_empty() {
        return Err(invalid("body", "body must not be empty"));
    }
    if !is_e164(&to) || Fate::for_number(&to) == Fate::InvalidDestination {
        return Err(unprocessable(
            "invalid_destination",
            "Not a valid mobile number",
            "to",
        ));
    }
    let seg = segment(&text);
    if seg.segments > MAX_SEGMENTS {
        return Err(unprocessable(
            "body_too_long",
            "The body needs more than 6 segments",
            "body",
        )
        .with_details(
            json!({"field": "body", "encoding": seg.encoding.as_str(), "segments": seg.segments}),
        ));
    }
    if !sender_allowed(&sender) {
        return Err(unprocessable(
            "sender_not_allowed",
            "Sender id not allowed",
            "sender",
        ));
    }
    Ok(Submission {
        to,
        text,
        sender,
        reference,
        validity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(body: Value) -> String {
        validate(&body).err().map(|e| e.code).unwrap_or_default()
    }

    #[test]
    fn destinations_must_be_e164_mobile_numbers() {
        assert!(is_e164("+34612345678"));
        assert!(!is_e164("34612345678") && !is_e164("+0612345678") && !is_e164("+34 612"));
        let base = |to: &str| json!({"to": to, "body": "Hola", "sender": "CaaS"});
        assert_eq!(code_of(base("612345678")), "invalid_destination");
        assert_eq!(code_of(base("+34699000003")), "invalid_destination");
        assert_eq!(code_of(base("+34699000001")), "");
    }

    #[test]
    fn sender_ids_need_a_letter_or_are_e164() {
        assert!(
            sender_allowed("CaaS") && sender_allowed("Car 2 Go") && sender_allowed("+34612345678")
        );
        assert!(
            !sender_allowed("12345") && !sender_allowed("AB") && !sender_allowed("TooLongSender")
        );
        assert!(!sender_allowed("Caa$"));
    }

    #[test]
    fn missing_fields_are_400_and_long_bodies_422() {
        assert_eq!(
            code_of(json!({"to": "+34612345678", "sender": "CaaS"})),
            "invalid_request"
        );
        let long = json!({"to": "+34612345678", "body": "a".repeat(919), "sender": "CaaS"});
        assert_eq!(code_of(long), "body_too_long");
        let bad_validity =
            json!({"to": "+34612345678", "body": "x", "sender": "CaaS", "validity_period_s": 10});
        assert_eq!(code_of(bad_validity), "invalid_request");
    }
}
