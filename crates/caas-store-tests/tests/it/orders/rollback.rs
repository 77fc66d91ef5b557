//! Store conformance: a transaction dropped without commit writes nothing in
//! any repository, and frees the keys and counters it used.

use super::*;

#[tokio::test]
async fn a_dropped_transaction_writes_nothing() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let existing = seeded_order(&*db.store, "ana@example.com", t).await;
    let staff = account(
        "sales@motorsur.es",
        Role::Sales,
        Some(&existing.dealership_id),
        t,
    );
    insert_accounts(&*db.store, &[&staff]).await;
    let ana = db
        .store
        .read()
        .await?
        .find_account(&existing.customer_id)
        .await?
        .unwrap();

    let new_order = order(&ana, &existing.dealership_id, t + Duration::seconds(1));
    let p = payment(&existing, PaymentKind::Senal, t);
    let inv = invoice(&p, "F-2026-000001", t);
    let mut changed = existing.clone();
    changed.state = OrderState::Cancelled;
    changed.version += 1;
    let entry = timeline_entry(&existing.id, "sale_registered", "sale:1", t);
    let revision = estimate_revision(
        &existing.id,
        "evt_1",
        None,
        NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
        t,
    );
    let alert = staff_alert(Some(&existing.dealership_id), "silent:1", t);
    let event = inbound_event("factory", "evt_1", "fo_1", Some(existing.id.as_str()), 1, t);
    let note = notification(&ana.id, "milestone:1", t);
    let sub = push_subscription(&ana.id, "https://push.example/1", t);
    {
        let mut tx = db.store.begin().await?;
        tx.upsert_platform(&platform("SUV-E-26", t)).await?;
        tx.upsert_option(&catalogue_option("HEAT_PUMP", &["SUV-E-26"], t))
            .await?;
        tx.upsert_customer_profile(&customer_profile(&ana.id, t))
            .await?;
        tx.update_dealership_details(&existing.dealership_id, "Nowhere 0", "never")
            .await?;
        tx.insert_order(&new_order).await?;
        assert!(tx.update_order(&changed).await?);
        tx.insert_payment(&p).await?;
        assert_eq!(tx.next_counter("invoice").await?, 1);
        tx.insert_invoice(&inv, b"%PDF").await?;
        assert!(tx.append_timeline(&entry).await?);
        assert!(tx.insert_estimate_revision(&revision).await?);
        assert!(tx.insert_alert(&alert).await?);
        assert!(tx.insert_inbound(&event).await?);
        assert!(tx.insert_notification(&note).await?);
        tx.set_muted(
            &ana.id,
            caas_domain::notification::NotificationKind::ManufacturingMilestone,
            caas_domain::notification::Channel::Sms,
            true,
        )
        .await?;
        tx.upsert_push_subscription(&sub).await?;
        assert_eq!(
            tx.find_order(&new_order.id).await?.as_ref(),
            Some(&new_order),
            "visible inside its own transaction"
        );
        // Dropped here without commit.
    }

    let mut tx = db.store.read().await?;
    assert!(tx.list_platforms().await?.is_empty());
    assert!(tx.list_options().await?.is_empty());
    assert_eq!(tx.find_customer_profile(&ana.id).await?, None);
    let d = tx.find_dealership(&existing.dealership_id).await?.unwrap();
    assert_ne!(d.address, "Nowhere 0");
    assert_eq!(tx.find_order(&new_order.id).await?, None);
    assert_eq!(tx.find_order(&existing.id).await?, Some(existing.clone()));
    assert_eq!(tx.find_payment(&p.id).await?, None);
    assert_eq!(tx.find_invoice_pdf(&inv.id).await?, None);
    assert!(tx.list_timeline(&existing.id).await?.is_empty());
    assert!(tx.list_estimate_revisions(&existing.id).await?.is_empty());
    assert!(tx.list_alerts(None, 10).await?.is_empty());
    assert!(tx
        .list_pending_inbound("factory", Some("fo_1"), None)
        .await?
        .is_empty());
    assert_eq!(tx.find_notification(&note.id).await?, None);
    assert!(tx.list_muted(&ana.id).await?.is_empty());
    assert!(tx.list_push_subscriptions(&ana.id, t).await?.is_empty());
    drop(tx);

    // Keys and counters are free again.
    let mut tx = db.store.begin().await?;
    assert_eq!(tx.next_counter("invoice").await?, 1);
    tx.insert_payment(&p).await?;
    assert!(tx.append_timeline(&entry).await?);
    assert!(tx.insert_notification(&note).await?);
    tx.commit().await?;
    Ok(())
}
