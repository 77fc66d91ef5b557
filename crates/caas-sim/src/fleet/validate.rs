//! Validation of command parameters per type (contract table), against the
//! vehicle's state: `invalid_command`, `feature_not_installed`,
//! `key_limit_reached`.

use super::commands::error;
use super::model::{AppKey, DisplayMessage, VehicleState, MAX_APP_KEYS};
use base64::Engine;
use caas_domain::fleet::CommandError;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// A validated command, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `feature.enable`.
    Enable {
        /// Feature code.
        code: String,
        /// Self-expiry.
        valid_until: Option<DateTime<Utc>>,
        /// Feature configuration.
        config: Option<Value>,
    },
    /// `feature.disable`.
    Disable {
        /// Feature code.
        code: String,
    },
    /// `state.query`.
    Query,
    /// `display.message` (status `pending`).
    Display(DisplayMessage),
    /// `app.link`.
    Link(AppKey),
    /// `app.unlink`.
    Unlink {
        /// Key id.
        key_id: String,
    },
}

fn invalid(message: &str) -> CommandError {
    error("invalid_command", message, json!({}))
}

fn string<'a>(params: &'a Value, field: &str, max_chars: usize) -> Result<&'a str, CommandError> {
    match params.get(field).and_then(Value::as_str) {
        Some(s) if !s.is_empty() && s.chars().count() <= max_chars => Ok(s),
        Some(_) => Err(invalid(&format!(
            "{field} must be 1–{max_chars} characters"
        ))),
        None => Err(invalid(&format!("{field} is required (string)"))),
    }
}

/// Optional timestamp field: absent/null → None; must be RFC 3339.
fn time(params: &Value, field: &str) -> Result<Option<DateTime<Utc>>, CommandError> {
    match params.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| invalid(&format!("{field} is not an RFC 3339 timestamp"))),
        Some(_) => Err(invalid(&format!("{field} must be a timestamp or null"))),
    }
}

/// A future expiry (`valid_until` in the past is `invalid_command`).
fn future_time(
    st: &VehicleState,
    params: &Value,
    field: &str,
) -> Result<Option<DateTime<Utc>>, CommandError> {
    let t = time(params, field)?;
    if t.is_some_and(|t| t <= st.now()) {
        return Err(invalid(&format!("{field} is in the past")));
    }
    Ok(t)
}

fn feature_code<'a>(st: &VehicleState, params: &'a Value) -> Result<&'a str, CommandError> {
    let code = params
        .get("feature_code")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("feature_code is required"))?;
    let shape = (2..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !shape {
        return Err(invalid("feature_code must match ^[A-Z0-9_]{2,40}$"));
    }
    if !st.features.iter().any(|f| f.code == code) {
        return Err(error(
            "feature_not_installed",
            "Feature not in this vehicle's firmware",
            json!({"feature_code": code}),
        ));
    }
    Ok(code)
}

/// Validates `params` of a command of type `kind` against the state.
pub fn validate(st: &VehicleState, kind: &str, params: &Value) -> Result<Action, CommandError> {
    if !params.is_object() {
        return Err(invalid("params must be an object"));
    }
    match kind {
        "feature.enable" => {
            let code = feature_code(st, params)?.to_owned();
            let valid_until = future_time(st, params, "valid_until")?;
            let config = match params.get("config") {
                None | Some(Value::Null) => None,
                Some(c @ Value::Object(_)) => Some(c.clone()),
                Some(_) => return Err(invalid("config must be an object")),
            };
            Ok(Action::Enable {
                code,
                valid_until,
                config,
            })
        }
        "feature.disable" => Ok(Action::Disable {
            code: feature_code(st, params)?.to_owned(),
        }),
        "state.query" => Ok(Action::Query),
        "display.message" => display(params),
        "app.link" => link(st, params),
        "app.unlink" => Ok(Action::Unlink {
            key_id: string(params, "key_id", 64)?.to_owned(),
        }),
        _ => Err(invalid(&format!("unknown command type {kind:?}"))),
    }
}

fn display(params: &Value) -> Result<Action, CommandError> {
    let severity = string(params, "severity", 8)?;
    if !matches!(severity, "info" | "warning" | "critical") {
        return Err(invalid("severity must be info, warning or critical"));
    }
    Ok(Action::Display(DisplayMessage {
        command_id: String::new(),
        title: string(params, "title", 40)?.to_owned(),
        body: string(params, "body", 240)?.to_owned(),
        severity: severity.to_owned(),
        language: string(params, "language", 35)?.to_owned(),
        display_until: time(params, "display_until")?,
        status: "pending".to_owned(),
        displayed_at: None,
    }))
}

fn link(st: &VehicleState, params: &Value) -> Result<Action, CommandError> {
    let key_id = string(params, "key_id", 64)?.to_owned();
    let public_key = string(params, "public_key", 4096)?.to_owned();
    let der = base64::engine::general_purpose::STANDARD
        .decode(&public_key)
        .map_err(|_| invalid("public_key is not standard base64"))?;
    if der.is_empty() {
        return Err(invalid("public_key is empty"));
    }
    let label = match params.get("label") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) if s.chars().count() <= 40 => s.clone(),
        Some(_) => return Err(invalid("label must be a string of at most 40 characters")),
    };
    let valid_until = future_time(st, params, "valid_until")?;
    let known = st.app_keys.iter().any(|k| k.key_id == key_id);
    if !known && st.app_keys.len() >= MAX_APP_KEYS {
        return Err(error(
            "key_limit_reached",
            "The vehicle already holds 5 keys",
            json!({"max_keys": MAX_APP_KEYS}),
        ));
    }
    Ok(Action::Link(AppKey {
        key_id,
        label,
        valid_until,
        public_key,
    }))
}
