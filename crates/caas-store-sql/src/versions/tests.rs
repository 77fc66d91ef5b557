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
    assert_eq!(names.len(), 14);
}
