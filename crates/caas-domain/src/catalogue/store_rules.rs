//! What an administrator may enter for the feature store (ADM-1, SVC-2,
//! MNT-2): the IoT feature code and config of the contract, the maintenance
//! dependency on VSS's functional blocks, and offers. Offers are never
//! deleted and never change model or length (purchases refer to their id);
//! a price change is allowed because purchases freeze the price (SVC-12).

use super::{CatalogueOption, Offer, PeriodLength, PricingModel, WhenVssUnreachable};
use crate::ids::OfferId;
use crate::money::Money;
use crate::DomainError;
use serde_json::{Map, Value};

/// The functional blocks VSS reports (contract `vss-api.md`).
pub const VSS_BLOCKS: [&str; 8] = [
    "brakes",
    "tyres",
    "suspension_steering",
    "adas_sensors",
    "battery",
    "powertrain",
    "hvac",
    "body_electrics",
];

/// Longest feature config accepted, as JSON text.
pub const MAX_CONFIG_BYTES: usize = 4096;

/// Validates an IoT feature code (`^[A-Z0-9_]{2,40}$`, contract `iot-api.md`);
/// lower case is raised.
pub fn parse_feature_code(s: &str) -> Result<String, DomainError> {
    let c = s.trim().to_ascii_uppercase();
    let ok = (2..=40).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(c)
    } else {
        Err(DomainError::invalid(
            "iot_feature",
            "use 2 to 40 capital letters, digits or _",
        ))
    }
}

/// The feature config from its JSON text: an object, or nothing when the
/// text is empty or `{}`.
pub fn parse_iot_config(text: &str) -> Result<Option<Map<String, Value>>, DomainError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.len() > MAX_CONFIG_BYTES {
        return Err(DomainError::invalid(
            "iot_config",
            format!("keep the config under {MAX_CONFIG_BYTES} bytes"),
        ));
    }
    match serde_json::from_str::<Value>(t) {
        Ok(Value::Object(m)) if m.is_empty() => Ok(None),
        Ok(Value::Object(m)) => Ok(Some(m)),
        _ => Err(DomainError::invalid(
            "iot_config",
            "give a JSON object, such as {\"level\": 2}, or leave it empty",
        )),
    }
}

/// VSS blocks as chosen: each a known block, once; returned in VSS order.
pub fn parse_blocks(blocks: &[String]) -> Result<Vec<String>, DomainError> {
    let field = "maintenance.blocks";
    let mut chosen: Vec<&str> = Vec::new();
    for raw in blocks {
        let b = raw.trim().to_ascii_lowercase();
        let Some(known) = VSS_BLOCKS.iter().find(|k| **k == b) else {
            return Err(DomainError::invalid(
                field,
                format!("{raw:?} is not a VSS block; use {}", VSS_BLOCKS.join(", ")),
            ));
        };
        if chosen.contains(known) {
            return Err(DomainError::invalid(field, format!("{b} is listed twice")));
        }
        chosen.push(known);
    }
    Ok(VSS_BLOCKS
        .iter()
        .filter(|k| chosen.contains(k))
        .map(|k| (*k).to_owned())
        .collect())
}

/// A compliance threshold in percent, 1–100; empty is the default (100).
pub fn parse_threshold(text: &str) -> Result<u8, DomainError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(super::MaintenanceDependency::DEFAULT_THRESHOLD);
    }
    match t.parse::<u8>() {
        Ok(n @ 1..=100) => Ok(n),
        _ => Err(DomainError::invalid(
            "maintenance.threshold_percent",
            "use a whole number from 1 to 100",
        )),
    }
}

impl WhenVssUnreachable {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refuse => "refuse",
            Self::Allow => "allow",
        }
    }

    /// From the wire name; empty is the default (refuse).
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s.trim() {
            "" | "refuse" => Ok(Self::Refuse),
            "allow" => Ok(Self::Allow),
            _ => Err(DomainError::invalid(
                "maintenance.when_unreachable",
                "use refuse or allow",
            )),
        }
    }
}

impl PricingModel {
    /// A model from its wire name and the period length, which the
    /// time-limited, planned and recurring models need and the others refuse.
    pub fn parse(model: &str, length: Option<PeriodLength>) -> Result<Self, DomainError> {
        let need = |length: Option<PeriodLength>| {
            length.ok_or_else(|| DomainError::invalid("count", "give the length of the period"))
        };
        let none = |m: Self| match length {
            None => Ok(m),
            Some(_) => Err(DomainError::invalid(
                "count",
                "this model has no period length; leave it empty",
            )),
        };
        match model.trim() {
            "time_limited" => Ok(Self::TimeLimited {
                length: need(length)?,
            }),
            "planned" => Ok(Self::Planned {
                length: need(length)?,
            }),
            "recurring" => Ok(Self::Recurring {
                length: need(length)?,
            }),
            "lifetime" => none(Self::Lifetime),
            "subscription" => none(Self::Subscription),
            _ => Err(DomainError::invalid(
                "model",
                "use time_limited, lifetime, subscription, planned or recurring",
            )),
        }
    }
}

/// A price for an offer: above zero.
pub fn check_offer_price(price: Money) -> Result<Money, DomainError> {
    if price.minor > 0 {
        Ok(price)
    } else {
        Err(DomainError::invalid("price", "give a price above zero"))
    }
}

impl Offer {
    /// A new, active offer with a fresh id.
    pub fn new(pricing: PricingModel, price: Money) -> Result<Self, DomainError> {
        Ok(Self {
            id: OfferId::new(),
            pricing,
            price: check_offer_price(price)?,
            active: true,
        })
    }
}

impl CatalogueOption {
    fn clashes(&self, o: &Offer) -> bool {
        o.active
            && self.offers.iter().any(|x| {
                x.id != o.id
                    && x.active
                    && x.pricing == o.pricing
                    && x.price.currency == o.price.currency
            })
    }

    /// Adds an offer; at most one active offer per model, length and currency.
    pub fn add_offer(&mut self, offer: Offer) -> Result<(), DomainError> {
        if self.clashes(&offer) {
            return Err(DomainError::invalid(
                "offer",
                "an active offer with this model, length and currency exists; deactivate it first",
            ));
        }
        self.offers.push(offer);
        Ok(())
    }

    /// Changes an offer's price and active flag (never its model or length);
    /// `Ok(None)` when the option has no such offer.
    pub fn change_offer(
        &mut self,
        id: &OfferId,
        price: Money,
        active: bool,
    ) -> Result<Option<Offer>, DomainError> {
        let Some(current) = self.offers.iter().find(|o| &o.id == id) else {
            return Ok(None);
        };
        let changed = Offer {
            price: check_offer_price(price)?,
            active,
            ..current.clone()
        };
        if self.clashes(&changed) {
            return Err(DomainError::invalid(
                "active",
                "another active offer has this model, length and currency",
            ));
        }
        for o in self.offers.iter_mut().filter(|o| &o.id == id) {
            *o = changed.clone();
        }
        Ok(Some(changed))
    }
}
