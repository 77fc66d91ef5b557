//! Request-body checks shared by the gateway's endpoints: forbidden card
//! fields, typed field access with `details.field`, metadata limits.

use super::failure::Failure;
use serde_json::Value;
use std::collections::BTreeMap;

/// Field names that would carry card data, refused anywhere in a body.
const CARD_FIELDS: [&str; 3] = ["number", "cvc", "pan"];

/// Refuses a body with a field named `number`, `cvc` or `pan` at any depth.
pub fn reject_card_data(body: &Value) -> Result<(), Failure> {
    fn walk(v: &Value, path: &str) -> Option<String> {
        match v {
            Value::Object(map) => map.iter().find_map(|(k, child)| {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if CARD_FIELDS.contains(&k.to_ascii_lowercase().as_str()) {
                    Some(p)
                } else {
                    walk(child, &p)
                }
            }),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, child)| walk(child, &format!("{path}[{i}]"))),
            _ => None,
        }
    }
    match walk(body, "") {
        Some(field) => Err(Failure::invalid(
            &field,
            "Card data is never accepted by the API; use a token from the hosted form",
        )),
        None => Ok(()),
    }
}

/// The body as an object (an absent or `null` body counts as `{}`).
pub fn object(body: &Value) -> Result<&serde_json::Map<String, Value>, Failure> {
    static EMPTY: std::sync::OnceLock<serde_json::Map<String, Value>> = std::sync::OnceLock::new();
    match body {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(EMPTY.get_or_init(serde_json::Map::new)),
        _ => Err(Failure::new(
            400,
            "invalid_request",
            "The body must be a JSON object",
        )),
    }
}

fn present<'a>(body: &'a Value, field: &str) -> Option<&'a Value> {
    body.get(field).filter(|v| !v.is_null())
}

/// An optional string field.
pub fn opt_str(body: &Value, field: &str) -> Result<Option<String>, Failure> {
    match present(body, field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Failure::invalid(field, format!("{field} must be a string"))),
    }
}

/// A required, non-empty string field.
pub fn req_str(body: &Value, field: &str) -> Result<String, Failure> {
    match opt_str(body, field)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(Failure::invalid(field, format!("{field} is required"))),
    }
}

/// An optional integer field.
pub fn opt_int(body: &Value, field: &str) -> Result<Option<i64>, Failure> {
    match present(body, field) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| Failure::invalid(field, format!("{field} must be an integer"))),
    }
}

/// An optional boolean field (absent = `false`).
pub fn opt_bool(body: &Value, field: &str) -> Result<bool, Failure> {
    match present(body, field) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(Failure::invalid(
            field,
            format!("{field} must be a boolean"),
        )),
    }
}

/// An optional string field restricted to `allowed` values.
pub fn opt_enum(body: &Value, field: &str, allowed: &[&str]) -> Result<Option<String>, Failure> {
    match opt_str(body, field)? {
        Some(s) if !allowed.contains(&s.as_str()) => Err(Failure::invalid(
            field,
            format!("{field} must be one of {}", allowed.join(", ")),
        )),
        other => Ok(other),
    }
}

/// `metadata`: string → string, ≤ 20 keys, key ≤ 40 and value ≤ 500 chars.
pub fn metadata(body: &Value) -> Result<BTreeMap<String, String>, Failure> {
    let Some(v) = present(body, "metadata") else {
        return Ok(BTreeMap::new());
    };
    let Value::Object(map) = v else {
        return Err(Failure::invalid("metadata", "metadata must be an object"));
    };
    if map.len() > 20 {
        return Err(Failure::invalid(
            "metadata",
            "metadata has more than 20 keys",
        ));
    }
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let field = format!("metadata.{k}");
        let Value::String(s) = v else {
            return Err(Failure::invalid(&field, "metadata values must be strings"));
        };
        if k.chars().count() > 40 || s.chars().count() > 500 {
            return Err(Failure::invalid(
                &field,
                "metadata key ≤ 40 and value ≤ 500 chars",
            ));
        }
        out.insert(k.clone(), s.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn card_fields_are_found_at_any_depth() {
        let err = reject_card_data(&json!({"a": {"card": [{"cvc": "123"}]}})).unwrap_err();
        assert_eq!(err.details, Some(json!({"field": "a.card[0].cvc"})));
        assert!(reject_card_data(&json!({"PAN": 1})).is_err());
        assert!(reject_card_data(&json!({"amount": 1, "numbers": 2})).is_ok());
    }

    #[test]
    fn metadata_limits_are_enforced() {
        assert!(metadata(&json!({"metadata": {"k": 1}})).is_err());
        let many: serde_json::Map<_, _> = (0..21).map(|i| (format!("k{i}"), json!("v"))).collect();
        assert!(metadata(&json!({ "metadata": many })).is_err());
        assert_eq!(metadata(&json!({})).unwrap().len(), 0);
    }
}
