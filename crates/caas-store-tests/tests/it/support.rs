//! The corrections log and the support queue: a correction reads back
//! whole, a car holds one pending correction per feature (a racing second
//! one is not recorded), the log is per car and newest first; a purchase
//! opens one case per kind, open cases come by priority, a case resolves
//! once with who, when and how.

use crate::fixtures::*;
use caas_domain::ids::{SupportCaseId, VehicleId};
use caas_domain::order::Order;
use caas_domain::ports::Store;
use caas_domain::purchase::twin::{CorrectionAction, CorrectionRecord, CorrectionStatus};
use caas_domain::purchase::PurchaseState;
use caas_domain::support::{SupportCase, SupportCaseKind};
use caas_domain::vehicle::Vehicle;
use caas_store_tests::fresh_store;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

async fn car(store: &dyn Store, email: &str) -> (Order, Vehicle) {
    let o = seeded_order(store, email, start_time()).await;
    let v = seeded_vehicle_of(store, &o, start_time()).await;
    (o, v)
}

fn correction(
    v: &VehicleId,
    feature: &str,
    action: CorrectionAction,
    at: DateTime<Utc>,
) -> CorrectionRecord {
    let config = json!({"power_mode": "HIGH"}).as_object().cloned();
    CorrectionRecord {
        id: caas_domain::ids::CorrectionId::new(),
        vehicle_id: v.clone(),
        vin: "VSSZZZ5FZR6000123".into(),
        feature_code: feature.into(),
        action,
        valid_until: (action == CorrectionAction::Enable).then(|| at + Duration::days(30)),
        config: (action == CorrectionAction::Enable)
            .then_some(config)
            .flatten(),
        command_id: format!("cmd_{}", uuid::Uuid::now_v7().simple()),
        issued_at: at,
        expires_at: at + Duration::days(1),
        seq_at_issue: 7,
        publishes: 0,
        status: CorrectionStatus::Pending,
        error_code: None,
        created_at: at,
        updated_at: at,
    }
}

#[tokio::test]
async fn a_car_holds_one_pending_correction_per_feature_and_its_log_is_newest_first() {
    let db = fresh_store().await.unwrap();
    let (_, v) = car(&*db.store, "ana@example.com").await;
    let (_, other) = car(&*db.store, "bea@example.com").await;
    let t = start_time();
    let first = correction(&v.id, "HEAT_PUMP", CorrectionAction::Enable, t);
    let racing = correction(&v.id, "HEAT_PUMP", CorrectionAction::Disable, t);
    let tow = correction(
        &v.id,
        "TOW_HITCH",
        CorrectionAction::Disable,
        t + Duration::seconds(1),
    );
    let elsewhere = correction(&other.id, "HEAT_PUMP", CorrectionAction::Disable, t);
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.insert_correction(&first).await.unwrap());
    assert!(
        !tx.insert_correction(&racing).await.unwrap(),
        "second pending of the feature"
    );
    assert!(tx.insert_correction(&tow).await.unwrap());
    assert!(tx.insert_correction(&elsewhere).await.unwrap());
    tx.commit().await.unwrap();

    let mut done = first.clone();
    done.publishes = 2;
    done.status = CorrectionStatus::Rejected;
    done.error_code = Some("vehicle_busy".into());
    done.updated_at = t + Duration::seconds(5);
    let later = correction(
        &v.id,
        "HEAT_PUMP",
        CorrectionAction::Enable,
        t + Duration::seconds(9),
    );
    let mut tx = db.store.begin().await.unwrap();
    tx.update_correction(&done).await.unwrap();
    assert!(
        tx.insert_correction(&later).await.unwrap(),
        "the first is closed"
    );
    tx.commit().await.unwrap();

    let mut tx = db.store.read().await.unwrap();
    let log = tx.list_corrections(&v.id, 10).await.unwrap();
    assert_eq!(log, vec![later, tow, done]);
    assert_eq!(
        tx.list_corrections(&other.id, 10).await.unwrap(),
        vec![elsewhere]
    );
}

fn case(
    o: &Order,
    v: &Vehicle,
    p: &caas_domain::purchase::Purchase,
    kind: SupportCaseKind,
    at: DateTime<Utc>,
) -> SupportCase {
    SupportCase {
        id: SupportCaseId::new(),
        kind,
        priority: kind.priority(),
        purchase_id: p.id.clone(),
        vehicle_id: v.id.clone(),
        order_id: o.id.clone(),
        summary: format!("{} of {}", kind.as_str(), p.item.option_code),
        opened_at: at,
        resolution: None,
    }
}

#[tokio::test]
async fn a_purchase_opens_one_case_per_kind_and_a_case_resolves_once() {
    let db = fresh_store().await.unwrap();
    let (o, v) = car(&*db.store, "ana@example.com").await;
    let t = start_time();
    let failed = purchase(&o, &v, "HEAT_PUMP", PurchaseState::FailedNotCharged, t);
    let expired = purchase(&o, &v, "TOW_HITCH", PurchaseState::Expired, t);
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_purchase(&failed).await.unwrap();
    tx.insert_purchase(&expired).await.unwrap();
    tx.commit().await.unwrap();
    let normal = case(&o, &v, &expired, SupportCaseKind::DeactivationFailed, t);
    let high = case(
        &o,
        &v,
        &failed,
        SupportCaseKind::ActivationFailed,
        t + Duration::minutes(1),
    );
    let again = case(
        &o,
        &v,
        &failed,
        SupportCaseKind::ActivationFailed,
        t + Duration::minutes(2),
    );
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.insert_support_case(&normal).await.unwrap());
    assert!(tx.insert_support_case(&high).await.unwrap());
    assert!(
        !tx.insert_support_case(&again).await.unwrap(),
        "one case per purchase and kind"
    );
    tx.commit().await.unwrap();

    let mut tx = db.store.read().await.unwrap();
    assert_eq!(
        tx.list_support_cases(false, 10).await.unwrap(),
        vec![high.clone(), normal.clone()]
    );
    drop(tx);

    let at = t + Duration::hours(1);
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx
        .resolve_support_case(&high.id, &o.customer_id, at, "Module replaced")
        .await
        .unwrap());
    assert!(!tx
        .resolve_support_case(&high.id, &o.customer_id, at, "Twice")
        .await
        .unwrap());
    tx.commit().await.unwrap();

    let mut tx = db.store.read().await.unwrap();
    assert_eq!(
        tx.list_support_cases(false, 10).await.unwrap(),
        vec![normal.clone()]
    );
    let all = tx.list_support_cases(true, 10).await.unwrap();
    assert_eq!(all.len(), 2);
    let closed = tx.find_support_case(&high.id).await.unwrap().unwrap();
    let r = closed.resolution.clone().unwrap();
    assert_eq!(
        (r.by, r.at, r.text.as_str()),
        (o.customer_id.clone(), at, "Module replaced")
    );
    assert_eq!(all[1], closed);
}
