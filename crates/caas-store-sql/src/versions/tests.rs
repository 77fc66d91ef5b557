//! Version stamps and the order's upgrade from the shapes before versions.

use super::*;
use crate::doc::Doc;
use crate::documents::{from_doc, to_doc};
use caas_domain::order_delivery::{AppLink, HomeDelivery, RegistrationLink};

const DELIVERY_HALF: [&str; 8] = [
    "vehicle_id",
    "from_stock",
    "final_payment",
    "reception",
    "registration",
    "home",
    "app_link",
    "senal_refund",
];

#[test]
fn an_order_of_version_one_without_the_delivery_half_gets_what_a_missing_field_meant() {
    let mut doc = Map::new();
    doc.insert("id".into(), Value::from("ord_x"));
    upgrade_to_current::<Order>(&mut doc).unwrap();
    assert_eq!(doc[VERSION_KEY], Value::from(2));
    for key in DELIVERY_HALF {
        assert!(doc.contains_key(key), "{key} filled");
    }
    assert_eq!(doc["from_stock"], Value::Bool(false));
    assert_eq!(
        doc["home"],
        serde_json::to_value(HomeDelivery::default()).unwrap()
    );
    assert_eq!(
        doc["app_link"],
        serde_json::to_value(AppLink::default()).unwrap()
    );
    assert_eq!(
        doc["registration"],
        serde_json::to_value(RegistrationLink::default()).unwrap()
    );
}

#[test]
fn an_upgrade_keeps_the_fields_a_version_one_document_already_had() {
    let mut doc = Map::new();
    doc.insert("from_stock".into(), Value::Bool(true));
    doc.insert("vehicle_id".into(), Value::from("veh_1"));
    upgrade_to_current::<Order>(&mut doc).unwrap();
    assert_eq!(doc["from_stock"], Value::Bool(true));
    assert_eq!(doc["vehicle_id"], Value::from("veh_1"));
}

#[test]
fn a_document_from_a_newer_release_is_refused_not_truncated() {
    let mut doc = Map::new();
    doc.insert(VERSION_KEY.into(), Value::from(Order::VERSION + 1));
    let err = upgrade_to_current::<Order>(&mut doc).unwrap_err();
    assert!(err.contains("newer than this release"), "{err}");
    let read = from_doc::<Order>(&Doc(format!("{{\"{VERSION_KEY}\":99}}")));
    assert!(read.is_err());
}

#[test]
fn a_version_that_is_not_an_integer_is_corrupt() {
    let mut doc = Map::new();
    doc.insert(VERSION_KEY.into(), Value::from("two"));
    assert!(upgrade_to_current::<Order>(&mut doc).is_err());
}

#[test]
fn written_documents_lead_with_their_version_and_read_back() {
    use caas_domain::catalogue::{Localized, Platform};
    use caas_domain::money::{Currency, Money};
    let text = |t: &str| Localized {
        es: t.into(),
        en: t.into(),
    };
    let p = Platform {
        code: "BASE".into(),
        name: text("Base"),
        description: text("Plataforma"),
        base_price: Money::new(3_000_000, Currency::EUR).unwrap(),
        active: true,
        updated_at: chrono::DateTime::UNIX_EPOCH,
    };
    let doc = to_doc(&p).unwrap();
    assert!(
        doc.as_str().starts_with("{\"doc_version\":1,"),
        "{}",
        doc.as_str()
    );
    let back: Platform = from_doc(&doc).unwrap();
    assert_eq!(back, p);
}

#[test]
fn every_document_table_is_listed_once() {
    let mut names: Vec<_> = DOCUMENT_TABLES.iter().map(|t| t.table).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), DOCUMENT_TABLES.len());
    assert_eq!(names.len(), 16);
}

#[test]
fn a_catalogue_option_of_version_one_reads_back_with_lengths_vss_blocks_and_a_contract_feature_code(
) {
    use caas_domain::catalogue::{CatalogueOption, PeriodLength, PricingModel, WhenVssUnreachable};
    let v1 = serde_json::json!({
        "code": "HEAT_PUMP",
        "name": {"es": "Bomba", "en": "Pump"},
        "description": {"es": "d", "en": "d"},
        "category": "comfort",
        "platforms": ["SUV-E-26"],
        "offers": [
            {"id": "off_0190f0f0f0f0f0f0f0f0f0f0f0f0f0f0", "pricing": {"model": "time_limited", "days": 7},
             "price": {"minor": 500, "currency": "EUR"}, "active": true},
            {"id": "off_0190f0f0f0f0f0f0f0f0f0f0f0f0f0f1", "pricing": {"model": "lifetime"},
             "price": {"minor": 9000, "currency": "EUR"}, "active": true}
        ],
        "maintenance_blocks": ["sensors", "brakes"],
        "iot_feature": "heat_pump",
        "updated_at": "2026-01-01T00:00:00Z"
    });
    let o: CatalogueOption = from_doc(&Doc(v1.to_string())).unwrap();
    assert_eq!(
        o.offers[0].pricing,
        PricingModel::TimeLimited {
            length: PeriodLength::days(7)
        }
    );
    assert_eq!(o.offers[1].pricing, PricingModel::Lifetime);
    let m = o.maintenance.expect("a dependency");
    assert_eq!(
        m.blocks,
        vec!["adas_sensors".to_string(), "brakes".to_string()]
    );
    assert_eq!(m.threshold_percent, 100);
    assert_eq!(m.when_unreachable, WhenVssUnreachable::Refuse);
    assert_eq!(o.iot_feature, "HEAT_PUMP");
    assert!(o.active);
    assert!(o.iot_config.is_none());
}
