//! Refunds are rows tied to the payment they give back: the store takes the
//! order, customer, dealership and currency from the payment, and refuses a
//! refund of an uncaptured payment, in another currency, beyond what was
//! captured and not yet refunded, or under a used key; a failed refund gives
//! its amount back; writes are version-guarded; the database itself refuses
//! a zero amount or an unknown state.

use crate::fixtures::*;
use caas_domain::ids::RefundId;
use caas_domain::money::{Currency, Money};
use caas_domain::order::Order;
use caas_domain::payment::{Payment, PaymentKind, PaymentState};
use caas_domain::ports::{Store, StoreError};
use caas_domain::records::{Refund, RefundState};
use caas_store_tests::{backend, fresh_store};
use chrono::{DateTime, Utc};

/// A refund request of `minor` cents of `p`.
fn refund(p: &Payment, minor: i64, at: DateTime<Utc>) -> Refund {
    Refund {
        id: RefundId::new(),
        payment_id: p.id.clone(),
        order_id: p.order_id.clone(),
        customer_id: p.customer_id.clone(),
        amount: Money::new(minor, p.amount.currency).unwrap(),
        state: RefundState::Requested,
        reason: "senal_reservation_lost".to_owned(),
        idempotency_key: format!("refund-{}", uuid::Uuid::new_v4().simple()),
        gateway_refund_id: None,
        failure: None,
        version: 0,
        created_at: at,
        updated_at: at,
    }
}

/// An order with one captured señal.
async fn captured_senal(store: &dyn Store, email: &str) -> (Order, Payment) {
    let t = start_time();
    let o = seeded_order(store, email, t).await;
    let mut p = payment(&o, PaymentKind::Senal, t);
    p.state = PaymentState::Captured;
    p.intent_id = Some(format!("pi_{}", uuid::Uuid::new_v4().simple()));
    insert_payments(store, &[&p]).await;
    (o, p)
}

async fn insert(store: &dyn Store, r: &Refund) -> Result<(), StoreError> {
    let mut tx = store.begin().await.unwrap();
    tx.insert_refund(r).await?;
    tx.commit().await.unwrap();
    Ok(())
}

fn is_conflict(r: Result<(), StoreError>) -> bool {
    matches!(r, Err(StoreError::Conflict(_)))
}

#[tokio::test]
async fn a_refund_of_a_captured_payment_is_stored_with_the_payments_order_and_read_back() {
    let db = fresh_store().await.unwrap();
    let (o, p) = captured_senal(&*db.store, "ana@example.com").await;
    let r = refund(&p, p.amount.minor, start_time());
    insert(&*db.store, &r).await.unwrap();
    let mut tx = db.store.read().await.unwrap();
    assert_eq!(
        tx.list_refunds_for_order(&o.id).await.unwrap(),
        vec![r.clone()]
    );
    assert_eq!(
        tx.find_refund_by_key(&r.idempotency_key).await.unwrap(),
        Some(r)
    );
    assert_eq!(tx.find_refund_by_key("nobody").await.unwrap(), None);
}

#[tokio::test]
async fn a_payment_that_is_not_captured_cannot_be_refunded() {
    let db = fresh_store().await.unwrap();
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let p = payment(&o, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&p]).await;
    assert!(is_conflict(insert(&*db.store, &refund(&p, 100, t)).await));
    let mut tx = db.store.read().await.unwrap();
    assert!(tx.list_refunds_for_order(&o.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn refunds_never_exceed_the_capture_and_a_failed_one_gives_its_amount_back() {
    let db = fresh_store().await.unwrap();
    let t = start_time();
    let (_, p) = captured_senal(&*db.store, "ana@example.com").await;
    let half = p.amount.minor / 2;
    let first = refund(&p, half, t);
    insert(&*db.store, &first).await.unwrap();
    let too_much = refund(&p, p.amount.minor - half + 1, t);
    assert!(
        is_conflict(insert(&*db.store, &too_much).await),
        "more than the capture left"
    );
    // The first one fails at the gateway: its amount is refundable again.
    let mut failed = first.clone();
    failed.state = RefundState::Failed;
    failed.failure = Some("insufficient_balance".into());
    failed.version += 1;
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.update_refund(&failed).await.unwrap());
    assert!(
        !tx.update_refund(&failed).await.unwrap(),
        "version 1 is taken"
    );
    tx.commit().await.unwrap();
    insert(&*db.store, &refund(&p, p.amount.minor, t))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_refund_in_another_currency_or_under_a_used_key_is_refused() {
    let db = fresh_store().await.unwrap();
    let t = start_time();
    let (_, p) = captured_senal(&*db.store, "ana@example.com").await;
    let mut pounds = refund(&p, 100, t);
    pounds.amount = Money::new(100, Currency::GBP).unwrap();
    assert!(is_conflict(insert(&*db.store, &pounds).await));
    let r = refund(&p, 100, t);
    insert(&*db.store, &r).await.unwrap();
    let mut again = refund(&p, 100, t);
    again.idempotency_key = r.idempotency_key.clone();
    assert!(is_conflict(insert(&*db.store, &again).await));
}

#[tokio::test]
async fn the_database_refuses_a_refund_of_zero_or_in_an_unknown_state() {
    let db = fresh_store().await.unwrap();
    let (_, p) = captured_senal(&*db.store, "ana@example.com").await;
    let r = refund(&p, 100, start_time());
    insert(&*db.store, &r).await.unwrap();
    for bad in [
        "UPDATE refunds SET amount_minor = 0 WHERE id = $1",
        "UPDATE refunds SET state = 'LOST' WHERE id = $1",
        "UPDATE refunds SET currency = 'XXX' WHERE id = $1",
    ] {
        let refused = if backend() == "postgres" {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::query(bad)
                .bind(r.id.as_str())
                .execute(&pool)
                .await
                .is_err()
        } else {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            sqlx::query(bad)
                .bind(r.id.as_str())
                .execute(&pool)
                .await
                .is_err()
        };
        assert!(refused, "{bad} was accepted");
    }
}

#[tokio::test]
async fn two_concurrent_refunds_of_one_payment_cannot_both_take_the_whole_capture() {
    let db = fresh_store().await.unwrap();
    let (o, p) = captured_senal(&*db.store, "ana@example.com").await;
    let t = start_time();
    let (a, b) = (refund(&p, p.amount.minor, t), refund(&p, p.amount.minor, t));
    // Two tasks (the store allows one transaction per task), racing.
    let (sa, sb) = (db.store.clone(), db.store.clone());
    let ta = tokio::spawn(async move { insert(&*sa, &a).await });
    let tb = tokio::spawn(async move { insert(&*sb, &b).await });
    let (ra, rb) = (ta.await.unwrap(), tb.await.unwrap());
    assert_eq!(
        [ra.is_ok(), rb.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "exactly one refund lands: {ra:?} {rb:?}"
    );
    let mut tx = db.store.read().await.unwrap();
    assert_eq!(tx.list_refunds_for_order(&o.id).await.unwrap().len(), 1);
}
