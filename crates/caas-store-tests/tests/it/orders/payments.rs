//! Store conformance: payments — lookups by id, idempotency key and intent,
//! updates, listing per order, and the one-live-señal and key constraints.

use super::*;

#[tokio::test]
async fn a_payment_is_found_by_id_idempotency_key_and_intent() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let mut p = payment(&o, PaymentKind::Senal, t);
    p.channel = PaymentChannel::Dealership;
    p.started_by = AccountId::new();
    p.intent_id = Some("pi_3Nx9".to_owned());
    insert_payments(&*db.store, &[&p]).await;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_payment(&p.id).await?.as_ref(), Some(&p));
    assert_eq!(
        tx.find_payment_by_key(&p.idempotency_key).await?.as_ref(),
        Some(&p)
    );
    assert_eq!(
        tx.find_payment_by_intent("pi_3Nx9").await?.as_ref(),
        Some(&p)
    );
    assert_eq!(tx.find_payment(&PaymentId::new()).await?, None);
    assert_eq!(tx.find_payment_by_key("idem_other").await?, None);
    assert_eq!(tx.find_payment_by_intent("pi_other").await?, None);
    Ok(())
}

#[tokio::test]
async fn update_payment_writes_every_mutable_field() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let original = payment(&o, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&original]).await;

    let mut p = original.clone();
    p.intent_id = Some("pi_later".to_owned());
    p.state = PaymentState::Declined;
    p.decline_code = Some("insufficient_funds".to_owned());
    p.failure_message = Some("Your card has insufficient funds.".to_owned());
    p.last_sequence = 4;
    p.updated_at = t + Duration::seconds(30);
    p.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_payment(&p).await?, "version 0 -> 1 is accepted");
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_payment(&p.id).await?.as_ref(), Some(&p));
    assert_eq!(
        tx.find_payment_by_intent("pi_later").await?.as_ref(),
        Some(&p)
    );
    assert_eq!(
        tx.find_payment_by_key(&p.idempotency_key).await?.as_ref(),
        Some(&p)
    );
    Ok(())
}

#[tokio::test]
async fn payments_of_an_order_are_listed_oldest_first() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let other = seeded_order(&*db.store, "luis@example.com", t).await;
    let mut declined = payment(&o, PaymentKind::Senal, t - Duration::hours(2));
    declined.state = PaymentState::Declined;
    let senal = payment(&o, PaymentKind::Senal, t - Duration::hours(1));
    let last = payment(&o, PaymentKind::Final, t);
    let elsewhere = payment(&other, PaymentKind::Senal, t - Duration::hours(3));
    insert_payments(&*db.store, &[&last, &elsewhere, &senal, &declined]).await;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_payments_for_order(&o.id).await?,
        vec![declined, senal, last]
    );
    assert_eq!(
        tx.list_payments_for_order(&other.id).await?,
        vec![elsewhere]
    );
    assert!(tx
        .list_payments_for_order(&OrderId::new())
        .await?
        .is_empty());
    Ok(())
}

#[tokio::test]
async fn a_second_live_senal_of_the_same_order_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let other = seeded_order(&*db.store, "luis@example.com", t).await;
    let first = payment(&o, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&first]).await;

    for state in [
        PaymentState::Created,
        PaymentState::Captured,
        PaymentState::Settled,
    ] {
        let mut dup = payment(&o, PaymentKind::Senal, t + Duration::seconds(1));
        dup.state = state;
        let mut tx = db.store.begin().await?;
        let err = tx
            .insert_payment(&dup)
            .await
            .expect_err("a double submit charges once");
        assert!(matches!(err, StoreError::Conflict(_)), "{state:?}: {err:?}");
    }
    // A final payment of that order and a señal of another order are fine.
    let fin = payment(&o, PaymentKind::Final, t + Duration::seconds(2));
    let their_senal = payment(&other, PaymentKind::Senal, t + Duration::seconds(2));
    insert_payments(&*db.store, &[&fin, &their_senal]).await;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.list_payments_for_order(&o.id).await?, vec![first, fin]);
    Ok(())
}

#[tokio::test]
async fn a_new_senal_is_accepted_once_the_previous_one_was_declined() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;

    // Declined on insert…
    let mut refused = payment(&o, PaymentKind::Senal, t);
    refused.state = PaymentState::Declined;
    insert_payments(&*db.store, &[&refused]).await;
    // …or declined later by an update: either frees the order for a retry.
    let mut second = payment(&o, PaymentKind::Senal, t + Duration::seconds(1));
    insert_payments(&*db.store, &[&second]).await;
    second.state = PaymentState::Declined;
    second.decline_code = Some("card_declined".to_owned());
    second.updated_at = t + Duration::seconds(2);
    second.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_payment(&second).await?);
    tx.commit().await?;

    let third = payment(&o, PaymentKind::Senal, t + Duration::seconds(3));
    insert_payments(&*db.store, &[&third]).await;

    // With a live one again, the next is refused.
    let mut tx = db.store.begin().await?;
    let err = tx
        .insert_payment(&payment(&o, PaymentKind::Senal, t + Duration::seconds(4)))
        .await
        .expect_err("third is live");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_payments_for_order(&o.id).await?,
        vec![refused, second, third]
    );
    Ok(())
}

#[tokio::test]
async fn reusing_an_idempotency_key_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let other = seeded_order(&*db.store, "luis@example.com", t).await;
    let first = payment(&o, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&first]).await;

    let mut reused = payment(&other, PaymentKind::Senal, t);
    reused.idempotency_key = first.idempotency_key.clone();
    let mut tx = db.store.begin().await?;
    let err = tx.insert_payment(&reused).await.expect_err("key reused");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);

    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_payment(&reused.id).await?, None);
    assert_eq!(
        tx.find_payment_by_key(&first.idempotency_key).await?,
        Some(first)
    );
    Ok(())
}

#[tokio::test]
async fn a_payment_of_an_unknown_order_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let ghost = order(&ana, &DealershipId::new(), t);
    let mut tx = db.store.begin().await?;
    let err = tx
        .insert_payment(&payment(&ghost, PaymentKind::Senal, t))
        .await
        .expect_err("foreign key to a missing order");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    Ok(())
}
