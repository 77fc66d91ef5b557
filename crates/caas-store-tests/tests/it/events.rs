//! Store conformance: what happens to an order after the sale — the
//! timeline, estimate revisions, staff alerts, inbound webhook events, and
//! notifications with their deliveries, mutes and push subscriptions.

use crate::fixtures::*;
use caas_domain::ids::{AccountId, AlertId, NotificationId, OrderId, PushSubscriptionId};
use caas_domain::notification::{Channel, DeliveryLogEntry, DeliveryState, NotificationKind};
use caas_domain::records::InboundState;
use caas_store_tests::{backend, fresh_store};
use chrono::{Duration, NaiveDate};
use std::collections::HashSet;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

// ----------------------------------------------------------------- timeline

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

// ------------------------------------------------------------------- alerts

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

// ------------------------------------------------------------------ inbound

#[tokio::test]
async fn an_inbound_event_is_stored_once_per_source_and_event_id() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let e = inbound_event("factory", "evt_1", "fo_1", Some("ord_1"), 1, t);
    let mut tx = db.store.begin().await?;
    assert!(tx.insert_inbound(&e).await?);
    let mut redelivered = e.clone();
    redelivered.body = "{}".to_owned();
    redelivered.sequence = 99;
    assert!(
        !tx.insert_inbound(&redelivered).await?,
        "same source and id"
    );
    let same_id_other_source = inbound_event("payments", "evt_1", "pi_1", None, 1, t);
    assert!(
        tx.insert_inbound(&same_id_other_source).await?,
        "another source is new"
    );
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_pending_inbound("factory", Some("fo_1"), None)
            .await?,
        vec![e]
    );
    assert_eq!(
        tx.list_pending_inbound("payments", Some("pi_1"), None)
            .await?,
        vec![same_id_other_source]
    );
    Ok(())
}

#[tokio::test]
async fn pending_inbound_events_are_listed_by_resource_or_reference_in_sequence_order(
) -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    // Before the factory order id is known, events only carry our reference.
    let e3 = inbound_event("factory", "evt_3", "fo_1", Some("ord_1"), 3, t);
    let e1 = inbound_event(
        "factory",
        "evt_1",
        "fo_1",
        None,
        1,
        t + Duration::seconds(2),
    );
    let e2 = inbound_event(
        "factory",
        "evt_2",
        "fo_1",
        Some("ord_1"),
        2,
        t + Duration::seconds(1),
    );
    let e4 = inbound_event("factory", "evt_4", "fo_1", Some("ord_1"), 4, t);
    let e5 = inbound_event("factory", "evt_5", "fo_1", Some("ord_1"), 5, t);
    let unrelated = inbound_event("factory", "evt_x", "fo_2", Some("ord_2"), 1, t);
    let other_source = inbound_event("payments", "evt_p", "fo_1", Some("ord_1"), 1, t);
    let mut tx = db.store.begin().await?;
    for e in [&e3, &e1, &e5, &unrelated, &e2, &e4, &other_source] {
        assert!(tx.insert_inbound(e).await?);
    }
    tx.set_inbound_state("factory", "evt_4", InboundState::Applied)
        .await?;
    tx.set_inbound_state("factory", "evt_5", InboundState::Ignored)
        .await?;
    // Same event id in another source: this must not touch the factory's evt_3.
    tx.set_inbound_state("payments", "evt_3", InboundState::Applied)
        .await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    let all = vec![e1.clone(), e2.clone(), e3.clone()];
    assert_eq!(
        tx.list_pending_inbound("factory", Some("fo_1"), None)
            .await?,
        all
    );
    assert_eq!(
        tx.list_pending_inbound("factory", Some("fo_1"), Some("ord_1"))
            .await?,
        all
    );
    assert_eq!(
        tx.list_pending_inbound("factory", None, Some("ord_1"))
            .await?,
        vec![e2.clone(), e3.clone()],
        "by reference only: the event without one is not included"
    );
    assert_eq!(
        tx.list_pending_inbound("factory", Some("fo_9"), Some("ord_1"))
            .await?,
        vec![e2.clone(), e3.clone()]
    );
    assert_eq!(
        tx.list_pending_inbound("factory", Some("fo_2"), None)
            .await?,
        vec![unrelated]
    );
    assert!(tx
        .list_pending_inbound("factory", None, None)
        .await?
        .is_empty());
    assert!(tx
        .list_pending_inbound("sms", Some("fo_1"), Some("ord_1"))
        .await?
        .is_empty());
    drop(tx);

    // Applying the head of the queue leaves the rest in order; back to pending re-lists it.
    let mut tx = db.store.begin().await?;
    tx.set_inbound_state("factory", "evt_1", InboundState::Applied)
        .await?;
    tx.set_inbound_state("factory", "evt_4", InboundState::Pending)
        .await?;
    tx.commit().await?;
    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_pending_inbound("factory", Some("fo_1"), None)
            .await?,
        vec![e2, e3, e4]
    );
    Ok(())
}

// ------------------------------------------------------------ notifications

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
