//! What an administrator may enter for the feature store: feature codes,
//! configs, maintenance blocks and thresholds, offers and their changes.

use caas_domain::catalogue::{
    parse_blocks, parse_feature_code, parse_iot_config, parse_threshold, CatalogueOption,
    Localized, Offer, OptionCategory, PeriodLength, PeriodUnit, PricingModel, WhenVssUnreachable,
};
use caas_domain::ids::OfferId;
use caas_domain::money::{Currency, Money};
use caas_domain::DomainError;

fn field(e: DomainError) -> &'static str {
    match e {
        DomainError::Invalid { field, .. } => field,
        DomainError::Transition(_) => "transition",
    }
}

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::EUR).unwrap()
}

fn option() -> CatalogueOption {
    CatalogueOption {
        code: "HEAT_PUMP".into(),
        name: Localized::default(),
        description: Localized::default(),
        category: OptionCategory::Comfort,
        platforms: vec!["SUV-E-26".into()],
        offers: vec![],
        maintenance: None,
        iot_feature: "HEAT_PUMP".into(),
        iot_config: None,
        active: true,
        updated_at: chrono::Utc::now(),
    }
}

#[test]
fn feature_codes_follow_the_iot_contract() {
    assert_eq!(parse_feature_code(" heat_pump ").unwrap(), "HEAT_PUMP");
    assert_eq!(parse_feature_code("A1").unwrap(), "A1");
    assert_eq!(parse_feature_code(&"X".repeat(40)).unwrap().len(), 40);
    for bad in ["A", "HEAT-PUMP", "BOMBA CALOR", "ÑAND", &"X".repeat(41), ""] {
        assert_eq!(
            field(parse_feature_code(bad).unwrap_err()),
            "iot_feature",
            "{bad:?}"
        );
    }
}

#[test]
fn a_feature_config_is_a_json_object_or_nothing() {
    assert_eq!(parse_iot_config("").unwrap(), None);
    assert_eq!(parse_iot_config(" {} ").unwrap(), None);
    let m = parse_iot_config(r#"{"level": 2}"#).unwrap().unwrap();
    assert_eq!(m["level"], 2);
    for bad in ["[1, 2]", "\"x\"", "42", "{level: 2}", "null"] {
        assert_eq!(field(parse_iot_config(bad).unwrap_err()), "iot_config");
    }
    let huge = format!("{{\"a\": \"{}\"}}", "x".repeat(5000));
    assert!(parse_iot_config(&huge).is_err());
}

#[test]
fn maintenance_blocks_are_vss_blocks_listed_once_in_vss_order() {
    let got = parse_blocks(&["adas_sensors".into(), " Brakes".into()]).unwrap();
    assert_eq!(got, vec!["brakes", "adas_sensors"]);
    assert!(parse_blocks(&[]).unwrap().is_empty());
    let e = parse_blocks(&["brakes".into(), "wipers".into()]).unwrap_err();
    assert_eq!(field(e), "maintenance.blocks");
    assert!(parse_blocks(&["hvac".into(), "hvac".into()]).is_err());
}

#[test]
fn thresholds_run_from_1_to_100_and_default_to_100() {
    assert_eq!(parse_threshold("").unwrap(), 100);
    assert_eq!(parse_threshold(" 80 ").unwrap(), 80);
    assert_eq!(parse_threshold("1").unwrap(), 1);
    for bad in ["0", "101", "-5", "ochenta", "99.5"] {
        assert_eq!(
            field(parse_threshold(bad).unwrap_err()),
            "maintenance.threshold_percent"
        );
    }
    assert_eq!(
        WhenVssUnreachable::parse("").unwrap(),
        WhenVssUnreachable::Refuse
    );
    assert_eq!(
        WhenVssUnreachable::parse("allow").unwrap(),
        WhenVssUnreachable::Allow
    );
    assert!(WhenVssUnreachable::parse("maybe").is_err());
}

#[test]
fn models_with_a_period_need_a_length_and_the_others_refuse_one() {
    let month = PeriodLength::parse("1", "month").unwrap();
    assert_eq!(
        PricingModel::parse("time_limited", Some(month)).unwrap(),
        PricingModel::TimeLimited { length: month }
    );
    assert_eq!(
        PricingModel::parse("lifetime", None).unwrap(),
        PricingModel::Lifetime
    );
    assert_eq!(
        field(PricingModel::parse("time_limited", None).unwrap_err()),
        "count"
    );
    assert_eq!(
        field(PricingModel::parse("subscription", Some(month)).unwrap_err()),
        "count"
    );
    assert_eq!(
        field(PricingModel::parse("rental", None).unwrap_err()),
        "model"
    );
    for name in [
        "time_limited",
        "lifetime",
        "subscription",
        "planned",
        "recurring",
    ] {
        let length = (name != "lifetime" && name != "subscription").then_some(month);
        assert_eq!(PricingModel::parse(name, length).unwrap().as_str(), name);
    }
}

#[test]
fn an_offer_needs_a_price_above_zero() {
    assert!(
        Offer::new(PricingModel::Lifetime, eur(19_900))
            .unwrap()
            .active
    );
    assert_eq!(
        field(Offer::new(PricingModel::Lifetime, eur(0)).unwrap_err()),
        "price"
    );
}

#[test]
fn one_active_offer_per_model_length_and_currency() {
    let mut o = option();
    let days30 = PricingModel::TimeLimited {
        length: PeriodLength::days(30),
    };
    let month = PricingModel::TimeLimited {
        length: PeriodLength {
            count: 1,
            unit: PeriodUnit::Month,
        },
    };
    let first = Offer::new(days30, eur(990)).unwrap();
    o.add_offer(first.clone()).unwrap();
    o.add_offer(Offer::new(month, eur(1_090)).unwrap()).unwrap();
    let twin = Offer::new(days30, eur(500)).unwrap();
    assert_eq!(field(o.add_offer(twin.clone()).unwrap_err()), "offer");
    assert_eq!(o.offers.len(), 2, "the refused offer was not added");

    // A price change keeps the id and the model; deactivating frees the slot.
    let changed = o
        .change_offer(&first.id, eur(1_200), false)
        .unwrap()
        .unwrap();
    assert_eq!(changed.id, first.id);
    assert_eq!(changed.pricing, days30);
    assert_eq!(changed.price, eur(1_200));
    o.add_offer(twin.clone()).unwrap();
    assert_eq!(
        field(o.change_offer(&first.id, eur(1_200), true).unwrap_err()),
        "active",
        "two active twins are refused"
    );
    assert!(o.change_offer(&twin.id, eur(0), true).is_err());
    assert_eq!(o.change_offer(&OfferId::new(), eur(1), true).unwrap(), None);
    assert_eq!(o.offers.len(), 3, "offers are never removed");
}
