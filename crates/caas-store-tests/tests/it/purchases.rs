//! Purchases: read back whole, scoped by owner, found by their current
//! command; version-guarded writes; one purchase of an option in progress
//! per car (a racing second confirmation is a conflict); the database
//! refuses a zero amount, an unknown state or a period ending before it
//! starts; expiry finds active purchases by their end.

use crate::fixtures::*;
use caas_domain::ids::AccountId;
use caas_domain::order::Order;
use caas_domain::ports::{Store, StoreError};
use caas_domain::purchase::attempt::{CommandAttempt, CommandKind};
use caas_domain::purchase::{Purchase, PurchaseState};
use caas_domain::vehicle::Vehicle;
use caas_store_tests::fresh_store;
use chrono::Duration;

async fn car(store: &dyn Store, email: &str) -> (Order, Vehicle) {
    let o = seeded_order(store, email, start_time()).await;
    let v = seeded_vehicle_of(store, &o, start_time()).await;
    (o, v)
}

async fn insert(store: &dyn Store, p: &Purchase) -> Result<(), StoreError> {
    let mut tx = store.begin().await.unwrap();
    tx.insert_purchase(p).await?;
    tx.commit().await.unwrap();
    Ok(())
}

#[tokio::test]
async fn a_purchase_reads_back_whole_for_its_owner_only() {
    let db = fresh_store().await.unwrap();
    let (o, v) = car(&*db.store, "ana@example.com").await;
    let p = purchase(
        &o,
        &v,
        "POWER_BOOST_50",
        PurchaseState::Requested,
        start_time(),
    );
    insert(&*db.store, &p).await.unwrap();
    let mut tx = db.store.read().await.unwrap();
    assert_eq!(tx.find_purchase(&p.id).await.unwrap(), Some(p.clone()));
    assert_eq!(
        tx.find_purchase_for_customer(&o.customer_id, &p.id)
            .await
            .unwrap(),
        Some(p.clone())
    );
    assert_eq!(
        tx.find_purchase_for_customer(&AccountId::new(), &p.id)
            .await
            .unwrap(),
        None,
        "another customer cannot read it"
    );
    assert_eq!(
        tx.list_purchases_for_vehicle(&v.id).await.unwrap(),
        vec![p.clone()]
    );
    assert_eq!(
        tx.list_purchases_of_customer_vehicle(&AccountId::new(), &v.id)
            .await
            .unwrap(),
        vec![]
    );
}

#[tokio::test]
async fn a_reply_finds_its_purchase_by_the_current_command_or_query() {
    let db = fresh_store().await.unwrap();
    let (o, v) = car(&*db.store, "ana@example.com").await;
    let t = start_time();
    let mut p = purchase(&o, &v, "POWER_BOOST_50", PurchaseState::Activating, t);
    p.command = Some(CommandAttempt::new(
        "cmd_enable_1".into(),
        CommandKind::Enable,
        t,
        t + Duration::minutes(10),
        None,
    ));
    insert(&*db.store, &p).await.unwrap();
    let mut p2 = p.clone();
    p2.query = Some(CommandAttempt::new(
        "cmd_query_1".into(),
        CommandKind::Query,
        t,
        t + Duration::minutes(10),
        None,
    ));
    p2.version += 1;
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.update_purchase(&p2).await.unwrap());
    assert!(
        !tx.update_purchase(&p2).await.unwrap(),
        "a stale writer loses"
    );
    tx.commit().await.unwrap();
    let mut tx = db.store.read().await.unwrap();
    for id in ["cmd_enable_1", "cmd_query_1"] {
        assert_eq!(
            tx.find_purchase_by_command(id).await.unwrap().map(|x| x.id),
            Some(p.id.clone())
        );
    }
    assert_eq!(
        tx.find_purchase_by_command("cmd_other").await.unwrap(),
        None
    );
}

#[tokio::test]
async fn one_car_has_one_purchase_of_an_option_in_progress_at_a_time() {
    let db = fresh_store().await.unwrap();
    let (o, v) = car(&*db.store, "ana@example.com").await;
    let t = start_time();
    let first = purchase(&o, &v, "POWER_BOOST_50", PurchaseState::Requested, t);
    insert(&*db.store, &first).await.unwrap();
    let second = purchase(&o, &v, "POWER_BOOST_50", PurchaseState::Requested, t);
    assert!(matches!(
        insert(&*db.store, &second).await,
        Err(StoreError::Conflict(_))
    ));
    let other_option = purchase(&o, &v, "HEAT_PUMP", PurchaseState::Requested, t);
    insert(&*db.store, &other_option).await.unwrap();

    let mut done = first.clone();
    done.state = PurchaseState::Active;
    done.version += 1;
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.update_purchase(&done).await.unwrap());
    tx.commit().await.unwrap();
    insert(&*db.store, &second).await.unwrap();
}

#[tokio::test]
async fn the_database_refuses_a_zero_amount_and_a_period_that_ends_before_it_starts() {
    let db = fresh_store().await.unwrap();
    let (o, v) = car(&*db.store, "ana@example.com").await;
    let t = start_time();
    let mut free = purchase(&o, &v, "POWER_BOOST_50", PurchaseState::Requested, t);
    free.item.price.minor = 0;
    assert!(insert(&*db.store, &free).await.is_err());
    let mut backwards = purchase(&o, &v, "POWER_BOOST_50", PurchaseState::Requested, t);
    backwards.period.ends_at = Some(t - Duration::days(1));
    assert!(insert(&*db.store, &backwards).await.is_err());
    let mut tx = db.store.read().await.unwrap();
    assert!(
        tx.list_purchases_for_vehicle(&v.id)
            .await
            .unwrap()
            .is_empty(),
        "nothing half-written"
    );
}

#[tokio::test]
async fn every_purchase_state_is_accepted_by_the_schema() {
    let db = fresh_store().await.unwrap();
    let (o, v) = car(&*db.store, "ana@example.com").await;
    for (n, state) in PurchaseState::ALL.into_iter().enumerate() {
        let p = purchase(&o, &v, &format!("OPTION_{n}"), state, start_time());
        insert(&*db.store, &p)
            .await
            .unwrap_or_else(|e| panic!("{state:?}: {e}"));
    }
}

#[tokio::test]
async fn expiry_finds_active_purchases_by_their_end() {
    let db = fresh_store().await.unwrap();
    let (o, v) = car(&*db.store, "ana@example.com").await;
    let t = start_time();
    let soon = purchase(
        &o,
        &v,
        "A_SOON",
        PurchaseState::Active,
        t - Duration::days(29),
    );
    let later = purchase(&o, &v, "B_LATER", PurchaseState::Active, t);
    let mut life = purchase(
        &o,
        &v,
        "C_LIFE",
        PurchaseState::Active,
        t - Duration::days(400),
    );
    life.period.ends_at = None;
    let failed = purchase(
        &o,
        &v,
        "D_FAILED",
        PurchaseState::FailedNotCharged,
        t - Duration::days(60),
    );
    for p in [&soon, &later, &life, &failed] {
        insert(&*db.store, p).await.unwrap();
    }
    let mut tx = db.store.read().await.unwrap();
    let due = tx
        .list_purchases_ending(PurchaseState::Active, t + Duration::days(2), 10)
        .await
        .unwrap();
    assert_eq!(
        due.into_iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![soon.id]
    );
}
