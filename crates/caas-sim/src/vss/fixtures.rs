//! Per-VIN fixtures of the VSS simulator: the two response bodies, built
//! once when a fixture is set (so each has a stable strong `ETag`, the
//! SHA-256 of its exact bytes), the all-ok compliance generated when none
//! is given, and the named presets.

use crate::common::http::ApiError;
use crate::common::rfc3339;
use caas_partners::vss::{VssCompliance, VssVisit};
use chrono::{Duration as Days, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The eight functional blocks of the contract.
pub const BLOCKS: [&str; 8] = [
    "brakes",
    "tyres",
    "suspension_steering",
    "adas_sensors",
    "battery",
    "powertrain",
    "hvac",
    "body_electrics",
];

/// One response body with its validator.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Exact bytes served.
    pub bytes: Vec<u8>,
    /// Quoted strong ETag of `bytes`.
    pub etag: String,
}

impl Body {
    fn new(value: &Value) -> Self {
        let bytes = serde_json::to_vec(value).unwrap_or_default();
        let digest = Sha256::digest(&bytes);
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        Self {
            bytes,
            etag: format!("\"{hex}\""),
        }
    }
}

/// The two bodies of one VIN.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixture {
    /// `GET …/maintenance-record`.
    pub record: Body,
    /// `GET …/compliance`.
    pub compliance: Body,
}

/// Body of `PUT /_sim/vehicles/{vin}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FixtureInput {
    /// Contract `visits` (most recent first); absent = none.
    pub visits: Vec<Value>,
    /// Contract compliance object; absent = all ok, missing keys filled in.
    pub compliance: Option<Value>,
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// An all-ok compliance for `visits`: 8 blocks at 100 %, warranty valid.
pub fn default_compliance(vin: &str, visits: &[Value]) -> Value {
    let typed: Vec<VssVisit> = visits
        .iter()
        .filter_map(|v| serde_json::from_value(v.clone()).ok())
        .collect();
    let odometer = typed.iter().filter_map(|v| v.odometer_km).max();
    let last = |block: &str| {
        typed
            .iter()
            .filter(|v| v.functional_blocks.iter().any(|b| b == block))
            .filter_map(|v| v.date)
            .max()
    };
    let blocks: Vec<Value> = BLOCKS
        .iter()
        .map(|b| {
            json!({"block": b, "compliance_percent": 100, "status": "ok",
                   "last_service_date": last(b), "next_due_date": today() + Days::days(365),
                   "next_due_odometer_km": odometer.unwrap_or(0) + 20_000})
        })
        .collect();
    json!({"vin": vin, "evaluated_at": rfc3339(Utc::now()), "odometer_km": odometer,
           "maintenance_plan_up_to_date": true, "warranty_valid": true,
           "warranty_void_reason": null, "warranty_expires_on": today() + Days::days(4 * 365),
           "blocks": blocks})
}

/// Validates an input against the contract shapes and builds the fixture.
pub fn build(vin: &str, input: FixtureInput) -> Result<Fixture, ApiError> {
    for (i, visit) in input.visits.iter().enumerate() {
        serde_json::from_value::<VssVisit>(visit.clone()).map_err(|e| {
            ApiError::invalid_request(format!("visits[{i}]: {e}"))
                .with_details(json!({"field": format!("visits[{i}]")}))
        })?;
    }
    let mut compliance = default_compliance(vin, &input.visits);
    if let Some(given) = input.compliance {
        let Value::Object(given) = given else {
            return Err(ApiError::invalid_request("compliance must be an object"));
        };
        for (key, value) in given {
            compliance[key] = value;
        }
        compliance["vin"] = json!(vin);
        serde_json::from_value::<VssCompliance>(compliance.clone()).map_err(|e| {
            ApiError::invalid_request(format!("compliance: {e}"))
                .with_details(json!({"field": "compliance"}))
        })?;
    }
    let record = json!({"vin": vin, "generated_at": rfc3339(Utc::now()), "visits": input.visits});
    Ok(Fixture {
        record: Body::new(&record),
        compliance: Body::new(&compliance),
    })
}

fn visit(days_ago: i64, odometer_km: i64) -> Value {
    json!({"visit_id": format!("vis_{}", uuid::Uuid::now_v7().simple()),
           "date": today() - Days::days(days_ago), "odometer_km": odometer_km, "plan_service": true,
           "workshop": {"workshop_id": "wks_es_0042", "name": "Taller Oficial Chamartín",
                        "network": "official", "country": "ES", "locality": "Madrid"},
           "operations": [
               {"code": "BRK-PAD-F", "description": "Front brake pads replaced", "functional_block": "brakes"},
               {"code": "HVAC-FLT", "description": "Cabin filter replaced", "functional_block": "hvac"}],
           "functional_blocks": ["brakes", "hvac"]})
}

fn overdue_battery() -> Value {
    json!({"block": "battery", "compliance_percent": 50, "status": "overdue",
           "last_service_date": null, "next_due_date": today() - Days::days(20),
           "next_due_odometer_km": 20_000})
}

/// The fixture input of a named preset: `ok`, `overdue_battery`,
/// `void_warranty` or `new`; `None` for an unknown name.
pub fn preset(vin: &str, name: &str) -> Option<FixtureInput> {
    let visits = vec![visit(30, 21_450)];
    let with_battery = |warranty_valid: bool| {
        let mut c = default_compliance(vin, &visits);
        if let Some(blocks) = c["blocks"].as_array_mut() {
            blocks.retain(|b| b["block"] != "battery");
            blocks.push(overdue_battery());
        }
        c["maintenance_plan_up_to_date"] = json!(false);
        c["warranty_valid"] = json!(warranty_valid);
        if !warranty_valid {
            c["warranty_void_reason"] = json!("maintenance_overdue");
        }
        Some(c)
    };
    let compliance = match name {
        "ok" => None,
        "new" => {
            return Some(FixtureInput {
                visits: Vec::new(),
                compliance: None,
            })
        }
        "overdue_battery" => with_battery(true),
        "void_warranty" => with_battery(false),
        _ => return None,
    };
    Some(FixtureInput { visits, compliance })
}
