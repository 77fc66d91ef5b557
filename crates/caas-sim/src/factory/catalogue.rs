//! Built-in model catalogue of the simulated factory and the synchronous
//! validation of `POST /v1/orders`, producing every contract violation found.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashSet;

/// Model (plataforma base) codes the factory builds.
pub const MODELS: [&str; 4] = ["SUV-E-26", "SEDAN-E-26", "CITY-E-26", "VAN-E-26"];

/// Every option code the factory knows.
pub const OPTIONS: [&str; 14] = [
    "POWER_PLUS_50",
    "DRIVER_ASSIST",
    "HIGHWAY_AUTOPILOT",
    "TERRAIN_MODES",
    "CLIMATE_PLUS",
    "HEAT_PUMP",
    "PANORAMIC_ROOF",
    "PREMIUM_AUDIO",
    "ENTERTAINMENT_PACK",
    "SPORT_SUSPENSION",
    "OFFROAD_PACK",
    "TOW_HITCH",
    "PARK_ASSIST",
    "ADAPTIVE_LIGHTS",
];

/// Options `CITY-E-26` does not offer (every other model offers all options).
pub const NOT_ON_CITY: [&str; 3] = ["TOW_HITCH", "OFFROAD_PACK", "TERRAIN_MODES"];

/// Option sets that exclude each other.
pub const EXCLUSIONS: [[&str; 2]; 1] = [["SPORT_SUSPENSION", "OFFROAD_PACK"]];

/// Locality that is never served (case-insensitive), besides configured ones.
pub const UNSERVED_LOCALITY: &str = "Nowhere";

/// Body of `POST /v1/orders` (unknown fields ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrder {
    /// Platform reference.
    pub order_reference: String,
    /// Model code.
    pub model_code: String,
    /// Option codes (no duplicates).
    pub option_codes: Vec<String>,
    /// Selling dealership.
    pub dealership_id: String,
    /// Delivery place.
    pub delivery: Delivery,
}

/// `delivery` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Town or city.
    pub locality: String,
    /// Optional postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
}

/// A part the factory cannot source now (`component_unavailable`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnavailableComponent {
    /// Option needing the part; `None` → the base vehicle (every order).
    #[serde(default)]
    pub option_code: Option<String>,
    /// Component name, e.g. `heat_pump_compressor`.
    pub component: String,
}

/// Configurable inputs of validation besides the fixed catalogue.
#[derive(Debug, Clone, Default)]
pub struct Rules<'a> {
    /// Dealership ids refused with `unknown_dealership`.
    pub unknown_dealerships: &'a [String],
    /// Extra localities refused with `delivery_locality_not_served`.
    pub unserved_localities: &'a [String],
    /// Parts currently unavailable.
    pub unavailable_components: &'a [UnavailableComponent],
}

/// Whether `model` offers `option` (both known).
pub fn model_offers(model: &str, option: &str) -> bool {
    !(model == "CITY-E-26" && NOT_ON_CITY.contains(&option))
}

/// Shape checks that are `400 invalid_request` rather than violations:
/// `Err((field, message))`.
pub fn check_shape(req: &CreateOrder) -> Result<(), (String, String)> {
    let r = &req.order_reference;
    let id_ok = !r.is_empty()
        && r.len() <= 64
        && r.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !id_ok {
        return Err((
            "order_reference".into(),
            "must be 1-64 chars of [A-Za-z0-9_-]".into(),
        ));
    }
    let c = &req.delivery.country;
    if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
        return Err((
            "delivery.country".into(),
            "must be ISO 3166-1 alpha-2, upper case".into(),
        ));
    }
    if req.delivery.locality.trim().is_empty() {
        return Err(("delivery.locality".into(), "must not be empty".into()));
    }
    let mut seen = HashSet::new();
    for (i, code) in req.option_codes.iter().enumerate() {
        if !seen.insert(code) {
            return Err((
                format!("option_codes[{i}]"),
                format!("duplicate option {code}"),
            ));
        }
    }
    Ok(())
}

/// Every business-rule violation of `req` (empty → valid).
pub fn violations(req: &CreateOrder, rules: &Rules<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    let model_known = MODELS.contains(&req.model_code.as_str());
    if !model_known {
        out.push(json!({"code": "unknown_model", "field": "model_code", "value": req.model_code}));
    }
    for (i, code) in req.option_codes.iter().enumerate() {
        let field = format!("option_codes[{i}]");
        if !OPTIONS.contains(&code.as_str()) {
            out.push(json!({"code": "unknown_option", "field": field, "value": code}));
        } else if model_known && !model_offers(&req.model_code, code) {
            out.push(
                json!({"code": "option_not_available_for_model", "field": field, "value": code}),
            );
        }
    }
    for set in EXCLUSIONS {
        if set.iter().all(|c| req.option_codes.iter().any(|o| o == c)) {
            out.push(
                json!({"code": "option_combination_invalid", "field": "option_codes",
                "conflicting_codes": set}),
            );
        }
    }
    for part in rules.unavailable_components {
        let applies = match &part.option_code {
            None => true,
            Some(opt) => req.option_codes.contains(opt),
        };
        if applies {
            out.push(
                json!({"code": "component_unavailable", "option_code": part.option_code,
                "component": part.component}),
            );
        }
    }
    let dealer = req.dealership_id.trim();
    if dealer.is_empty() || rules.unknown_dealerships.iter().any(|d| d == dealer) {
        out.push(
            json!({"code": "unknown_dealership", "field": "dealership_id",
            "value": req.dealership_id}),
        );
    }
    let locality = req.delivery.locality.trim();
    let unserved = locality.eq_ignore_ascii_case(UNSERVED_LOCALITY)
        || rules
            .unserved_localities
            .iter()
            .any(|l| l.eq_ignore_ascii_case(locality));
    if unserved {
        out.push(json!({"code": "delivery_locality_not_served", "field": "delivery.locality"}));
    }
    out
}
