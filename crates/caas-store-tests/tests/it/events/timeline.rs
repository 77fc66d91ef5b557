//! Store conformance: the order timeline and estimate revisions, each
//! recorded once per dedupe key or source and listed oldest first.

use super::*;

#[tokio::test]
async fn a_timeline_entry_is_appended_once_per_dedupe_key_and_listed_in_time_order(
) -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let other = seeded_order(&*db.store, "luis@example.com", t).await;

    let sale = timeline_entry(&o.id, "sale_registered", "sale", t);
    let paid = timeline_entry(
        &o.id,
        "senal_paid",
        "pay_1:captured",
        t + Duration::minutes(5),
    );
    let mut started = timeline_entry(
        &o.id,
        "factory.production_started",
        "factory:evt_9",
        t + Duration::days(3),
    );
    started.data = serde_json::json!({ "estimate": "2026-10-01", "line": "B", "n": 3 });
    let theirs = timeline_entry(&other.id, "sale_registered", "sale:other", t);

    let mut tx = db.store.begin().await?;
    // Recorded out of order (a late webhook), listed by when it happened.
    assert!(tx.append_timeline(&started).await?);
    assert!(tx.append_timeline(&sale).await?);
    assert!(tx.append_timeline(&theirs).await?);
    assert!(tx.append_timeline(&paid).await?);
    tx.commit().await?;

    // The same fact again, even with another id and data, is a no-op.
    let mut again = timeline_entry(&o.id, "factory.production_started", "factory:evt_9", t);
    again.data = serde_json::json!({ "replayed": true });
    let mut tx = db.store.begin().await?;
    assert!(!tx.append_timeline(&again).await?);
    assert!(!tx.append_timeline(&sale).await?);
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.list_timeline(&o.id).await?, vec![sale, paid, started]);
    assert_eq!(tx.list_timeline(&other.id).await?, vec![theirs]);
    assert!(tx.list_timeline(&OrderId::new()).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn estimate_revisions_are_recorded_once_per_source_and_listed_oldest_first(
) -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let other = seeded_order(&*db.store, "luis@example.com", t).await;

    let first = estimate_revision(&o.id, "evt_1", None, day(9, 30), t);
    let mut second = estimate_revision(
        &o.id,
        "evt_2",
        Some(day(9, 30)),
        day(10, 14),
        t + Duration::days(2),
    );
    second.reason_code = None;
    second.reason = None;
    let theirs = estimate_revision(&other.id, "evt_3", None, day(11, 1), t);

    let mut tx = db.store.begin().await?;
    assert!(tx.insert_estimate_revision(&second).await?);
    assert!(tx.insert_estimate_revision(&first).await?);
    assert!(tx.insert_estimate_revision(&theirs).await?);
    // A redelivered event records nothing new.
    let replay = estimate_revision(
        &o.id,
        "evt_1",
        Some(day(1, 1)),
        day(12, 31),
        t + Duration::days(5),
    );
    assert!(!tx.insert_estimate_revision(&replay).await?);
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_estimate_revisions(&o.id).await?,
        vec![first, second]
    );
    assert_eq!(tx.list_estimate_revisions(&other.id).await?, vec![theirs]);
    Ok(())
}
