//! Store conformance: inbound webhook events — stored once per source and
//! event id, pending ones listed by resource or reference in sequence order.

use super::*;

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
