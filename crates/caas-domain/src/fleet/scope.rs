//! Which features of a car the platform may command (OTA-9, SEC-5): only
//! those a catalogue option maps (`iot_feature`) on the car's plataforma
//! base. [`CarFeatures`] is built from the catalogue and the car's plan
//! comercial; it hands out an [`OptionFeature`] only for an option outside
//! the plan (enable and disable) and a [`PlanFeature`] only for a plan
//! option (enable only, at handover). Anything else the car reports is part
//! of the plataforma base and cannot be named in a command at all.

use crate::catalogue::CatalogueOption;
use thiserror::Error;

/// A catalogue-mapped option feature of one car, outside its plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OptionFeature {
    code: String,
    option_code: String,
}

impl OptionFeature {
    /// The IoT feature code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The catalogue option that maps it.
    pub fn option_code(&self) -> &str {
        &self.option_code
    }
}

/// A plan comercial option's feature of one car (active for life).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFeature {
    code: String,
}

impl PlanFeature {
    /// The IoT feature code.
    pub fn code(&self) -> &str {
        &self.code
    }
}

/// Why a feature cannot be commanded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NotAnOption {
    /// No catalogue option of the car's platform maps it: plataforma base.
    #[error("{0} is not a catalogue option of this car")]
    Base(String),
    /// Part of the car's plan comercial.
    #[error("{0} is part of the car's plan comercial")]
    InPlan(String),
}

/// The commandable features of one car.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CarFeatures {
    options: Vec<OptionFeature>,
    plan: Vec<String>,
}

impl CarFeatures {
    /// The features of a car of `platform` whose plan comercial holds
    /// `plan_option_codes`, per `catalogue` (inactive options included: a
    /// car keeps what it bought).
    pub fn new(
        platform: &str,
        catalogue: &[CatalogueOption],
        plan_option_codes: &[String],
    ) -> Self {
        let mine: Vec<&CatalogueOption> = catalogue.iter().filter(|o| o.fits(platform)).collect();
        let plan: Vec<String> = mine
            .iter()
            .filter(|o| plan_option_codes.contains(&o.code))
            .map(|o| o.iot_feature.clone())
            .collect();
        let mut options: Vec<OptionFeature> = mine
            .iter()
            .filter(|o| !plan.contains(&o.iot_feature))
            .map(|o| OptionFeature {
                code: o.iot_feature.clone(),
                option_code: o.code.clone(),
            })
            .collect();
        options.sort();
        options.dedup_by(|a, b| a.code == b.code);
        Self { options, plan }
    }

    /// The option feature `code`, or why it is not one.
    pub fn option(&self, code: &str) -> Result<OptionFeature, NotAnOption> {
        if self.plan.iter().any(|p| p == code) {
            return Err(NotAnOption::InPlan(code.to_owned()));
        }
        self.options
            .iter()
            .find(|o| o.code == code)
            .cloned()
            .ok_or_else(|| NotAnOption::Base(code.to_owned()))
    }

    /// The plan feature `code`, or why it is not one.
    pub fn plan(&self, code: &str) -> Result<PlanFeature, NotAnOption> {
        if self.plan.iter().any(|p| p == code) {
            Ok(PlanFeature {
                code: code.to_owned(),
            })
        } else {
            Err(NotAnOption::Base(code.to_owned()))
        }
    }

    /// Every option feature (outside the plan), by code.
    pub fn options(&self) -> &[OptionFeature] {
        &self.options
    }

    /// Every plan feature code.
    pub fn plan_codes(&self) -> &[String] {
        &self.plan
    }

    /// Features `options` (option and iot code equal) and `plan`, for tests.
    #[cfg(test)]
    pub(crate) fn for_tests(options: &[&str], plan: &[&str]) -> Self {
        let mut options: Vec<OptionFeature> = options
            .iter()
            .map(|c| OptionFeature {
                code: (*c).to_owned(),
                option_code: (*c).to_owned(),
            })
            .collect();
        options.sort();
        Self {
            options,
            plan: plan.iter().map(|c| (*c).to_owned()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Localized, OptionCategory};
    use chrono::Utc;

    fn opt(code: &str, feature: &str, platforms: &[&str]) -> CatalogueOption {
        CatalogueOption {
            code: code.into(),
            name: Localized::default(),
            description: Localized::default(),
            category: OptionCategory::Comfort,
            platforms: platforms.iter().map(|s| s.to_string()).collect(),
            offers: vec![],
            maintenance: None,
            iot_feature: feature.into(),
            iot_config: None,
            active: false,
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn only_options_of_the_platform_outside_the_plan_can_be_commanded() {
        let cat = vec![
            opt("HEAT", "HEAT_PUMP", &["SUV"]),
            opt("TOW", "TOW_HITCH", &["SUV"]),
            opt("VAN_RACK", "ROOF_RACK", &["VAN"]),
        ];
        let f = CarFeatures::new("SUV", &cat, &["TOW".into()]);
        let heat = f.option("HEAT_PUMP").unwrap();
        assert_eq!((heat.code(), heat.option_code()), ("HEAT_PUMP", "HEAT"));
        assert_eq!(
            f.option("TOW_HITCH"),
            Err(NotAnOption::InPlan("TOW_HITCH".into()))
        );
        assert_eq!(
            f.option("ROOF_RACK"),
            Err(NotAnOption::Base("ROOF_RACK".into()))
        );
        assert_eq!(
            f.option("DRIVE_TRAIN"),
            Err(NotAnOption::Base("DRIVE_TRAIN".into()))
        );
        assert_eq!(f.plan("TOW_HITCH").unwrap().code(), "TOW_HITCH");
        assert!(f.plan("HEAT_PUMP").is_err());
        assert_eq!(f.options().len(), 1);
    }
}
