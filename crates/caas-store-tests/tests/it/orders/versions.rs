//! Store conformance: optimistic versioning of order updates — the next
//! version writes every field, a stale or unknown one changes nothing.

use super::*;

#[tokio::test]
async fn an_order_update_with_the_next_version_writes_every_field() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let original = seeded_order(&*db.store, "ana@example.com", t).await;

    let mut o = original.clone();
    o.state = OrderState::Ordered;
    o.factory.factory_order_id = Some("fo_123".to_owned());
    o.factory.status = Some("accepted".to_owned());
    o.factory.attempts = 1;
    o.factory.estimated_completion_date = NaiveDate::from_ymd_opt(2026, 11, 2);
    o.last_factory_contact = Some(t + Duration::minutes(1));
    o.delivery = postal_address("Calle Nueva 3");
    o.updated_at = t + Duration::minutes(1);
    o.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_order(&o).await?, "version 0 -> 1 is accepted");
    tx.commit().await?;
    assert_eq!(find_order(&*db.store, &o.id).await, Some(o.clone()));

    // And again from the version just written.
    let mut next = o.clone();
    next.state = OrderState::InProduction;
    next.factory.status = Some("in_production".to_owned());
    next.updated_at = t + Duration::minutes(2);
    next.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_order(&next).await?, "version 1 -> 2 is accepted");
    tx.commit().await?;
    let stored = find_order(&*db.store, &o.id).await.unwrap();
    assert_eq!(stored, next);
    assert_eq!(stored.version, 2);
    Ok(())
}

#[tokio::test]
async fn a_stale_order_update_returns_false_and_changes_nothing() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let original = seeded_order(&*db.store, "ana@example.com", t).await;

    // Two writers read version 0; the first one wins.
    let mut first = original.clone();
    let mut second = original.clone();
    first.state = OrderState::Reserved;
    first.updated_at = t + Duration::seconds(1);
    first.version += 1;
    second.state = OrderState::Cancelled;
    second.factory.factory_order_id = Some("fo_late".to_owned());
    second.last_factory_contact = Some(t - Duration::days(10));
    second.updated_at = t + Duration::seconds(2);
    second.version += 1;

    let mut tx = db.store.begin().await?;
    assert!(tx.update_order(&first).await?);
    tx.commit().await?;
    let mut tx = db.store.begin().await?;
    assert!(!tx.update_order(&second).await?, "the stale writer loses");
    tx.commit().await?;
    assert_eq!(
        find_order(&*db.store, &original.id).await,
        Some(first.clone())
    );

    // Skipping a version or repeating the current one is refused too.
    for version in [first.version, first.version + 2, 0] {
        let mut o = first.clone();
        o.state = OrderState::Cancelled;
        o.version = version;
        let mut tx = db.store.begin().await?;
        assert!(!tx.update_order(&o).await?, "version {version} refused");
        tx.commit().await?;
    }
    assert_eq!(find_order(&*db.store, &original.id).await, Some(first));

    // Nor does the losing write leak into the filter columns.
    let mut tx = db.store.read().await?;
    assert!(tx
        .list_silent_orders(t + Duration::days(365))
        .await?
        .is_empty());
    Ok(())
}

#[tokio::test]
async fn updating_an_unknown_order_returns_false() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let mut ghost = order(&ana, &DealershipId::new(), t);
    ghost.version = 1;
    let mut tx = db.store.begin().await?;
    assert!(!tx.update_order(&ghost).await?);
    tx.commit().await?;
    assert_eq!(find_order(&*db.store, &ghost.id).await, None);
    Ok(())
}
