//! Store conformance: notifications — inserted once per dedupe key, the
//! owner's inbox and marking read, and deliveries per channel.

use super::*;

#[tokio::test]
async fn a_notification_is_inserted_once_per_dedupe_key() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let ana = o.customer_id.clone();
    let mut n = notification(&ana, "milestone:evt_1", t);
    n.order_id = Some(o.id.clone());
    n.kind = NotificationKind::VehicleAvailable;
    n.language = "en".to_owned();

    let mut tx = db.store.begin().await?;
    assert!(tx.insert_notification(&n).await?);
    let retry = notification(&ana, "milestone:evt_1", t + Duration::seconds(5));
    assert!(
        !tx.insert_notification(&retry).await?,
        "a retried event creates nothing"
    );
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_notification(&n.id).await?.as_ref(), Some(&n));
    assert_eq!(tx.find_notification(&retry.id).await?, None);
    assert_eq!(tx.list_notifications_for_customer(&ana, 10).await?, vec![n]);
    Ok(())
}

#[tokio::test]
async fn the_inbox_is_scoped_to_its_owner_newest_first_and_limited() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let luis = seeded_customer(&*db.store, "luis@example.com", t).await;
    let a1 = notification(&ana.id, "a1", t - Duration::hours(3));
    let a2 = notification(&ana.id, "a2", t - Duration::hours(1));
    let a3 = notification(&ana.id, "a3", t - Duration::hours(2));
    let l1 = notification(&luis.id, "l1", t);
    insert_notifications(&*db.store, &[&a1, &l1, &a2, &a3]).await;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_notifications_for_customer(&ana.id, 10).await?,
        vec![a2.clone(), a3, a1]
    );
    assert_eq!(
        tx.list_notifications_for_customer(&ana.id, 1).await?,
        vec![a2]
    );
    assert_eq!(
        tx.list_notifications_for_customer(&luis.id, 10).await?,
        vec![l1]
    );
    assert!(tx
        .list_notifications_for_customer(&AccountId::new(), 10)
        .await?
        .is_empty());
    Ok(())
}

#[tokio::test]
async fn marking_read_touches_only_the_owners_unread_notifications() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let luis = seeded_customer(&*db.store, "luis@example.com", t).await;
    let a1 = notification(&ana.id, "a1", t - Duration::hours(2));
    let a2 = notification(&ana.id, "a2", t - Duration::hours(1));
    let l1 = notification(&luis.id, "l1", t);
    insert_notifications(&*db.store, &[&a1, &a2, &l1]).await;

    let first_read = t + Duration::minutes(1);
    let mut tx = db.store.begin().await?;
    assert_eq!(tx.mark_notifications_read(&ana.id, first_read).await?, 2);
    tx.commit().await?;
    // Already read: a second visit changes nothing and keeps the first time.
    let newer = notification(&ana.id, "a3", t + Duration::minutes(2));
    insert_notifications(&*db.store, &[&newer]).await;
    let second_read = t + Duration::minutes(3);
    let mut tx = db.store.begin().await?;
    assert_eq!(tx.mark_notifications_read(&ana.id, second_read).await?, 1);
    assert_eq!(tx.mark_notifications_read(&ana.id, second_read).await?, 0);
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    let read_at = |n: &caas_domain::notification::Notification, at| {
        let mut n = n.clone();
        n.read_at = Some(at);
        n
    };
    assert_eq!(
        tx.list_notifications_for_customer(&ana.id, 10).await?,
        vec![
            read_at(&newer, second_read),
            read_at(&a2, first_read),
            read_at(&a1, first_read)
        ]
    );
    assert_eq!(
        tx.find_notification(&a1.id).await?,
        Some(read_at(&a1, first_read))
    );
    assert_eq!(tx.find_notification(&l1.id).await?, Some(l1.clone()));
    assert_eq!(
        tx.list_notifications_for_customer(&luis.id, 10).await?,
        vec![l1]
    );
    Ok(())
}

#[tokio::test]
async fn deliveries_are_upserted_per_channel_and_found_by_provider_reference() -> anyhow::Result<()>
{
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let n1 = notification(&ana.id, "n1", t);
    let n2 = notification(&ana.id, "n2", t);
    let n3 = notification(&ana.id, "n3", t);
    insert_notifications(&*db.store, &[&n1, &n2, &n3]).await;

    let email = delivery(&n1.id, Channel::Email, t);
    let mut sms = delivery(&n1.id, Channel::Sms, t);
    let push = delivery(&n2.id, Channel::Push, t);
    let mut tx = db.store.begin().await?;
    for d in [&sms, &push, &email] {
        tx.upsert_delivery(d).await?;
    }
    tx.commit().await?;

    // The SMS goes out, then its receipt arrives: same row, updated.
    sms.attempts = 1;
    sms.provider_ref = Some("sms_8f2".to_owned());
    sms.record(
        t + Duration::seconds(1),
        DeliveryState::Sent,
        "accepted by provider",
    );
    let mut tx = db.store.begin().await?;
    tx.upsert_delivery(&sms).await?;
    tx.commit().await?;
    let mut tx = db.store.begin().await?;
    let mut by_ref = tx
        .find_delivery_by_provider_ref("sms_8f2")
        .await?
        .expect("found by provider reference");
    assert_eq!(by_ref, sms);
    by_ref.record(
        t + Duration::seconds(9),
        DeliveryState::Delivered,
        "receipt: delivered",
    );
    tx.upsert_delivery(&by_ref).await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.find_delivery(&n1.id, Channel::Sms).await?.as_ref(),
        Some(&by_ref)
    );
    assert_eq!(
        by_ref.log,
        vec![
            DeliveryLogEntry {
                at: t + Duration::seconds(1),
                what: "accepted by provider".to_owned()
            },
            DeliveryLogEntry {
                at: t + Duration::seconds(9),
                what: "receipt: delivered".to_owned()
            },
        ]
    );
    assert_eq!(
        tx.find_delivery(&n1.id, Channel::Email).await?.as_ref(),
        Some(&email)
    );
    assert_eq!(tx.find_delivery(&n1.id, Channel::Push).await?, None);
    assert_eq!(tx.find_delivery_by_provider_ref("sms_other").await?, None);

    let listed = tx.list_deliveries(&[n1.id.clone(), n2.id.clone()]).await?;
    assert_eq!(listed.len(), 3, "{listed:?}");
    for d in [&email, &by_ref, &push] {
        assert!(listed.contains(d), "{d:?} in {listed:?}");
    }
    assert_eq!(
        tx.list_deliveries(std::slice::from_ref(&n2.id)).await?,
        vec![push]
    );
    assert!(tx
        .list_deliveries(&[n3.id.clone(), NotificationId::new()])
        .await?
        .is_empty());
    assert!(tx.list_deliveries(&[]).await?.is_empty());
    Ok(())
}
