//! The catalogue option's version 1 → 2 step, field by field.

use serde_json::{json, Map, Value};

/// `{"model": "time_limited", "days": 7}` → `{"model": …, "length": {"count": 7, "unit": "day"}}`.
pub(super) fn offers(doc: &mut Map<String, Value>) -> Result<(), String> {
    let Some(Value::Array(offers)) = doc.get_mut("offers") else {
        return Ok(());
    };
    for offer in offers {
        let Some(Value::Object(pricing)) = offer.get_mut("pricing") else {
            return Err("offer without pricing".into());
        };
        if let Some(days) = pricing.remove("days") {
            pricing.insert("length".into(), json!({"count": days, "unit": "day"}));
        }
    }
    Ok(())
}

/// VSS's name for a block the first seed named its own way.
fn vss_block(name: &str) -> String {
    match name {
        "sensors" => "adas_sensors".into(),
        "suspension" => "suspension_steering".into(),
        other => other.to_owned(),
    }
}

/// `maintenance_blocks: [..]` → `maintenance: {blocks, threshold_percent: 100, when_unreachable: "refuse"}` or null.
pub(super) fn maintenance(doc: &mut Map<String, Value>) {
    if doc.contains_key("maintenance") {
        return;
    }
    let blocks: Vec<String> = match doc.remove("maintenance_blocks") {
        Some(Value::Array(b)) => b.iter().filter_map(Value::as_str).map(vss_block).collect(),
        _ => Vec::new(),
    };
    let dep = if blocks.is_empty() {
        Value::Null
    } else {
        json!({"blocks": blocks, "threshold_percent": 100, "when_unreachable": "refuse"})
    };
    doc.insert("maintenance".into(), dep);
}

/// The IoT feature code in the contract's alphabet (`^[A-Z0-9_]{2,40}$`).
pub(super) fn feature_code(doc: &mut Map<String, Value>) {
    if let Some(Value::String(code)) = doc.get_mut("iot_feature") {
        *code = code.to_ascii_uppercase().replace('-', "_");
    }
}
