//! The catalogue: plataformas base and their opciones disponibles, with
//! names in Spanish and English, categories and pricing offers (SVC-2).
//! Codes are those of the factory contract (`SUV-E-26`, `HEAT_PUMP`).

mod offer;
mod store_rules;

pub use offer::{
    MaintenanceDependency, Offer, PeriodLength, PeriodUnit, PricingModel, WhenVssUnreachable,
};
pub use store_rules::{
    check_offer_price, parse_blocks, parse_feature_code, parse_iot_config, parse_threshold,
    MAX_CONFIG_BYTES, VSS_BLOCKS,
};

use crate::account::Language;
use crate::money::Money;
use crate::DomainError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Validates a model or option code: 2–32 chars of `A-Z 0-9 _ -`.
pub fn parse_code(field: &'static str, s: &str) -> Result<String, DomainError> {
    let c = s.trim().to_ascii_uppercase();
    let ok = (2..=32).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(c)
    } else {
        Err(DomainError::invalid(
            field,
            "use 2 to 32 letters, digits, _ or -",
        ))
    }
}

/// A text in both languages of the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Localized {
    /// Spanish.
    pub es: String,
    /// English.
    pub en: String,
}

impl Localized {
    /// Both texts, trimmed; neither may be empty.
    pub fn parse(field: &'static str, es: &str, en: &str) -> Result<Self, DomainError> {
        let (es, en) = (es.trim(), en.trim());
        if es.is_empty() || en.is_empty() {
            return Err(DomainError::invalid(
                field,
                "give the text in Spanish and English",
            ));
        }
        Ok(Self {
            es: es.to_owned(),
            en: en.to_owned(),
        })
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Language) -> &str {
        match lang {
            Language::Es => &self.es,
            Language::En => &self.en,
        }
    }
}

/// A plataforma base: the vehicle model sold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    /// Factory model code.
    pub code: String,
    /// Commercial name.
    pub name: Localized,
    /// Description.
    pub description: Localized,
    /// List price of the vehicle.
    pub base_price: Money,
    /// Offered in new sales.
    pub active: bool,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// Category of an option, for grouping in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionCategory {
    /// Power and handling.
    Performance,
    /// Driver assistance and autonomy.
    Assistance,
    /// Terrain and towing.
    Terrain,
    /// Climate and comfort.
    Comfort,
    /// Entertainment and connectivity.
    Entertainment,
    /// Lights, parking and safety.
    Safety,
}

impl OptionCategory {
    /// Every category.
    pub const ALL: [Self; 6] = [
        Self::Performance,
        Self::Assistance,
        Self::Terrain,
        Self::Comfort,
        Self::Entertainment,
        Self::Safety,
    ];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Performance => "performance",
            Self::Assistance => "assistance",
            Self::Terrain => "terrain",
            Self::Comfort => "comfort",
            Self::Entertainment => "entertainment",
            Self::Safety => "safety",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| DomainError::invalid("category", format!("unknown category {s:?}")))
    }
}

/// An option available on one or more plataformas base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueOption {
    /// Factory option code.
    pub code: String,
    /// Name.
    pub name: Localized,
    /// Description.
    pub description: Localized,
    /// Category.
    pub category: OptionCategory,
    /// Model codes that offer this option.
    pub platforms: Vec<String>,
    /// Pricing offers for the feature store.
    pub offers: Vec<Offer>,
    /// What maintenance (VSS) the option depends on; `None` for nothing.
    pub maintenance: Option<MaintenanceDependency>,
    /// Feature code in the IoT API (`^[A-Z0-9_]{2,40}$`).
    pub iot_feature: String,
    /// Feature-specific `config` sent with `feature.enable` (a JSON object).
    pub iot_config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Sold in the feature store (an inactive option stays on cars that bought it).
    pub active: bool,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl CatalogueOption {
    /// Whether the option is offered on `platform`.
    pub fn fits(&self, platform: &str) -> bool {
        self.platforms.iter().any(|p| p == platform)
    }
}

/// Checks a plan's options against the catalogue (SALE-2): every code is an
/// option of `platform`, without duplicates. Returns the normalised codes.
pub fn check_plan_options(
    platform: &str,
    codes: &[String],
    options: &[CatalogueOption],
) -> Result<Vec<String>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    for raw in codes {
        let code = parse_code("option_codes", raw)?;
        let Some(opt) = options.iter().find(|o| o.code == code) else {
            return Err(DomainError::invalid(
                "option_codes",
                format!("{code} is not in the catalogue"),
            ));
        };
        if !opt.fits(platform) {
            return Err(DomainError::invalid(
                "option_codes",
                format!("{code} is not offered on {platform}"),
            ));
        }
        if out.contains(&code) {
            return Err(DomainError::invalid(
                "option_codes",
                format!("{code} is listed twice"),
            ));
        }
        out.push(code);
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::OfferId;
    use crate::money::Currency;

    fn opt(code: &str, platforms: &[&str]) -> CatalogueOption {
        CatalogueOption {
            code: code.into(),
            name: Localized::default(),
            description: Localized::default(),
            category: OptionCategory::Comfort,
            platforms: platforms.iter().map(|s| s.to_string()).collect(),
            offers: vec![Offer {
                id: OfferId::new(),
                pricing: PricingModel::Lifetime,
                price: Money::new(100, Currency::EUR).unwrap(),
                active: true,
            }],
            maintenance: None,
            iot_feature: code.to_owned(),
            iot_config: None,
            active: true,
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_plan_accepts_only_options_of_its_platform_once_each() {
        let cat = vec![
            opt("HEAT_PUMP", &["SUV-E-26"]),
            opt("TOW_HITCH", &["VAN-E-26"]),
        ];
        let ok = check_plan_options("SUV-E-26", &["heat_pump".into()], &cat).unwrap();
        assert_eq!(ok, vec!["HEAT_PUMP".to_string()]);
        assert!(check_plan_options("SUV-E-26", &["TOW_HITCH".into()], &cat).is_err());
        assert!(check_plan_options("SUV-E-26", &["NOPE".into()], &cat).is_err());
        assert!(
            check_plan_options("SUV-E-26", &["HEAT_PUMP".into(), "HEAT_PUMP".into()], &cat)
                .is_err()
        );
    }

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(parse_code("c", " suv-e-26 ").unwrap(), "SUV-E-26");
        assert!(parse_code("c", "a").is_err());
        assert!(parse_code("c", "BAD CODE").is_err());
    }
}
