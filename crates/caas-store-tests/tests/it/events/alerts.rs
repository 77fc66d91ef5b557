//! Store conformance: staff alerts — raised once per dedupe key, listed open
//! first per dealership, resolved once, and free to alert again after.

use super::*;

#[tokio::test]
async fn an_open_alert_is_raised_once_per_dedupe_key() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Sur", t);
    insert_dealership(&*db.store, &d).await;
    let mut a = staff_alert(Some(&d.id), "factory_silent:ord_1", t);
    a.order_id = Some(OrderId::new());

    let mut tx = db.store.begin().await?;
    assert!(tx.insert_alert(&a).await?);
    tx.commit().await?;
    let mut tx = db.store.begin().await?;
    let repeat = staff_alert(Some(&d.id), "factory_silent:ord_1", t + Duration::hours(1));
    assert!(
        !tx.insert_alert(&repeat).await?,
        "still open: no second alert"
    );
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.list_alerts(None, 10).await?, vec![a]);
    Ok(())
}

#[tokio::test]
async fn alerts_are_listed_open_first_then_newest_first_per_dealership() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let sur = dealership("Motor Sur", t);
    let norte = dealership("Motor Norte", t);
    insert_dealership(&*db.store, &sur).await;
    insert_dealership(&*db.store, &norte).await;
    let boss = seeded_customer(&*db.store, "ops@example.com", t).await;

    let old_open = staff_alert(Some(&sur.id), "a", t - Duration::hours(5));
    let resolved_new = staff_alert(Some(&sur.id), "b", t - Duration::hours(1));
    let new_open = staff_alert(Some(&sur.id), "c", t - Duration::hours(3));
    let in_norte = staff_alert(Some(&norte.id), "d", t - Duration::hours(2));
    let head_office = staff_alert(None, "e", t - Duration::hours(4));
    let mut tx = db.store.begin().await?;
    for a in [&old_open, &resolved_new, &new_open, &in_norte, &head_office] {
        assert!(tx.insert_alert(a).await?);
    }
    tx.commit().await?;
    let mut tx = db.store.begin().await?;
    assert!(tx.resolve_alert(&resolved_new.id, &boss.id, t).await?);
    tx.commit().await?;
    let mut resolved = resolved_new.clone();
    resolved.resolved_at = Some(t);
    resolved.resolved_by = Some(boss.id.clone());

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_alerts(Some(&sur.id), 10).await?,
        vec![new_open.clone(), old_open.clone(), resolved.clone()]
    );
    assert_eq!(
        tx.list_alerts(Some(&norte.id), 10).await?,
        vec![in_norte.clone()]
    );
    assert_eq!(
        tx.list_alerts(None, 10).await?,
        vec![
            in_norte.clone(),
            new_open.clone(),
            head_office,
            old_open,
            resolved
        ]
    );
    assert_eq!(
        tx.list_alerts(None, 2).await?,
        vec![in_norte, new_open.clone()]
    );
    assert_eq!(tx.list_alerts(Some(&sur.id), 1).await?, vec![new_open]);
    Ok(())
}

#[tokio::test]
async fn resolving_an_alert_frees_its_dedupe_key_so_the_problem_can_alert_again(
) -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Sur", t);
    insert_dealership(&*db.store, &d).await;
    let boss = seeded_customer(&*db.store, "ops@example.com", t).await;
    let first = staff_alert(Some(&d.id), "factory_order_rejected:ord_1", t);
    let mut tx = db.store.begin().await?;
    assert!(tx.insert_alert(&first).await?);
    tx.commit().await?;

    let at = t + Duration::hours(1);
    let mut tx = db.store.begin().await?;
    assert!(tx.resolve_alert(&first.id, &boss.id, at).await?);
    assert!(
        !tx.resolve_alert(&first.id, &boss.id, at + Duration::hours(1))
            .await?,
        "already resolved"
    );
    assert!(!tx.resolve_alert(&AlertId::new(), &boss.id, at).await?);
    tx.commit().await?;

    let again = staff_alert(
        Some(&d.id),
        "factory_order_rejected:ord_1",
        t + Duration::hours(2),
    );
    let mut tx = db.store.begin().await?;
    assert!(
        tx.insert_alert(&again).await?,
        "the key is free once resolved"
    );
    let third = staff_alert(
        Some(&d.id),
        "factory_order_rejected:ord_1",
        t + Duration::hours(3),
    );
    assert!(
        !tx.insert_alert(&third).await?,
        "but taken again while open"
    );
    tx.commit().await?;

    // Resolving the second one works too (its stored key differs from the first's).
    let mut tx = db.store.begin().await?;
    assert!(
        tx.resolve_alert(&again.id, &boss.id, t + Duration::hours(4))
            .await?
    );
    tx.commit().await?;

    let mut first_resolved = first.clone();
    first_resolved.resolved_at = Some(at);
    first_resolved.resolved_by = Some(boss.id.clone());
    let mut again_resolved = again.clone();
    again_resolved.resolved_at = Some(t + Duration::hours(4));
    again_resolved.resolved_by = Some(boss.id.clone());
    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_alerts(Some(&d.id), 10).await?,
        vec![again_resolved, first_resolved],
        "the dedupe key reads back as raised"
    );
    Ok(())
}

#[tokio::test]
async fn of_two_concurrent_resolutions_of_an_alert_only_one_succeeds() -> anyhow::Result<()> {
    if backend() != "postgres" {
        // SQLite has one writer connection: the second transaction could not
        // start before the first one ends, so there is no race to test.
        return Ok(());
    }
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Sur", t);
    insert_dealership(&*db.store, &d).await;
    let first_staff = seeded_customer(&*db.store, "ops1@example.com", t).await;
    let second_staff = seeded_customer(&*db.store, "ops2@example.com", t).await;
    let a = staff_alert(Some(&d.id), "factory_silent:ord_1", t);
    let mut tx = db.store.begin().await?;
    assert!(tx.insert_alert(&a).await?);
    tx.commit().await?;

    let mut first = db.store.begin().await?;
    assert!(
        first
            .resolve_alert(&a.id, &first_staff.id, t + Duration::minutes(1))
            .await?
    );
    // The second reader (another task: one task holds one connection) still
    // sees the alert open and waits on the row.
    let (id, by, store) = (a.id.clone(), second_staff.id.clone(), db.store.clone());
    let racer = tokio::spawn(async move {
        let mut second = store.begin().await.unwrap();
        let ok = second
            .resolve_alert(&id, &by, t + Duration::minutes(2))
            .await
            .unwrap();
        second.commit().await.unwrap();
        ok
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    first.commit().await?;
    assert!(!racer.await?, "the alert was already resolved");

    let mut resolved = a.clone();
    resolved.resolved_at = Some(t + Duration::minutes(1));
    resolved.resolved_by = Some(first_staff.id.clone());
    let mut tx = db.store.read().await?;
    assert_eq!(tx.list_alerts(None, 10).await?, vec![resolved]);
    Ok(())
}
