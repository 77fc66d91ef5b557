//! Store conformance: muted notification cells per customer, and push
//! subscriptions refreshed by endpoint, listed and deleted by their owner.

use super::*;

#[tokio::test]
async fn muting_and_unmuting_cells_is_per_customer_and_idempotent() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let luis = seeded_customer(&*db.store, "luis@example.com", t).await;
    let milestone_sms = (NotificationKind::ManufacturingMilestone, Channel::Sms);
    let milestone_push = (NotificationKind::ManufacturingMilestone, Channel::Push);
    let placed_email = (NotificationKind::FactoryOrderPlaced, Channel::Email);

    let mut tx = db.store.begin().await?;
    for (k, c) in [milestone_sms, milestone_push, placed_email, milestone_sms] {
        tx.set_muted(&ana.id, k, c, true).await?;
    }
    tx.set_muted(&luis.id, milestone_push.0, milestone_push.1, true)
        .await?;
    tx.commit().await?;

    let set = |v: Vec<(NotificationKind, Channel)>| v.into_iter().collect::<HashSet<_>>();
    let mut tx = db.store.read().await?;
    let muted = tx.list_muted(&ana.id).await?;
    assert_eq!(muted.len(), 3, "muting twice keeps one row: {muted:?}");
    assert_eq!(
        set(muted),
        HashSet::from([milestone_sms, milestone_push, placed_email])
    );
    drop(tx);

    let mut tx = db.store.begin().await?;
    tx.set_muted(&ana.id, milestone_push.0, milestone_push.1, false)
        .await?;
    tx.set_muted(&ana.id, milestone_push.0, milestone_push.1, false)
        .await?;
    tx.set_muted(
        &ana.id,
        NotificationKind::VehicleAvailable,
        Channel::Sms,
        false,
    )
    .await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        set(tx.list_muted(&ana.id).await?),
        HashSet::from([milestone_sms, placed_email])
    );
    assert_eq!(
        tx.list_muted(&luis.id).await?,
        vec![milestone_push],
        "untouched"
    );
    assert!(tx.list_muted(&AccountId::new()).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_push_subscription_is_refreshed_by_endpoint_keeping_one_row() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let first = push_subscription(&ana.id, "https://push.example/abc", t);
    let mut tx = db.store.begin().await?;
    tx.upsert_push_subscription(&first).await?;
    tx.commit().await?;

    // The browser re-registers the same endpoint with fresh keys.
    let refreshed = push_subscription(&ana.id, "https://push.example/abc", t + Duration::days(1));
    let mut tx = db.store.begin().await?;
    tx.upsert_push_subscription(&refreshed).await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    let listed = tx.list_push_subscriptions(&ana.id, t).await?;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let s = &listed[0];
    assert_eq!(s.id, first.id, "the first registration's id is kept");
    assert_eq!(
        (&s.endpoint, &s.p256dh, &s.auth, &s.user_agent),
        (
            &refreshed.endpoint,
            &refreshed.p256dh,
            &refreshed.auth,
            &refreshed.user_agent
        ),
        "with the fresh keys"
    );
    drop(tx);

    // The listed id is the one that deletes it.
    let mut tx = db.store.begin().await?;
    assert!(tx.delete_push_subscription(&ana.id, &first.id).await?);
    tx.commit().await?;
    let mut tx = db.store.read().await?;
    assert!(tx.list_push_subscriptions(&ana.id, t).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn push_subscriptions_are_listed_and_deleted_only_by_their_owner() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let luis = seeded_customer(&*db.store, "luis@example.com", t).await;
    let phone = push_subscription(&ana.id, "https://push.example/phone", t);
    let laptop = push_subscription(
        &ana.id,
        "https://push.example/laptop",
        t + Duration::minutes(1),
    );
    let theirs = push_subscription(&luis.id, "https://push.example/luis", t);
    let mut tx = db.store.begin().await?;
    for s in [&laptop, &theirs, &phone] {
        tx.upsert_push_subscription(s).await?;
    }
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_push_subscriptions(&ana.id, t).await?,
        vec![phone.clone(), laptop.clone()]
    );
    assert_eq!(
        tx.list_push_subscriptions(&luis.id, t).await?,
        vec![theirs.clone()]
    );
    drop(tx);

    let mut tx = db.store.begin().await?;
    assert!(
        !tx.delete_push_subscription(&luis.id, &phone.id).await?,
        "another customer cannot delete it"
    );
    assert!(
        !tx.delete_push_subscription(&ana.id, &PushSubscriptionId::new())
            .await?
    );
    assert!(tx.delete_push_subscription(&ana.id, &phone.id).await?);
    assert!(
        !tx.delete_push_subscription(&ana.id, &phone.id).await?,
        "already gone"
    );
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.list_push_subscriptions(&ana.id, t).await?, vec![laptop]);
    assert_eq!(tx.list_push_subscriptions(&luis.id, t).await?, vec![theirs]);
    Ok(())
}
