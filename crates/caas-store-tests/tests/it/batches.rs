//! Store conformance: the batched writes of webhook ingest. Inbound events
//! stored many per statement say which were new (a repeat, in the batch or
//! from before, is not); jobs with a dedupe key merge into a waiting,
//! never-attempted job of the same key (the earlier due time wins), while a
//! job already claimed leaves room for a new one. The batched writes of
//! applying them: timeline entries, estimate revisions and event states many
//! per statement (more rows than one statement holds), repeats skipped.

use crate::fixtures::*;
use caas_domain::job::JobState;
use caas_domain::records::{InboundEvent, InboundState};
use caas_store_tests::fresh_store;
use chrono::Duration;

fn event(id: &str, seq: i64, at: chrono::DateTime<chrono::Utc>) -> InboundEvent {
    InboundEvent {
        source: "factory".into(),
        event_id: id.into(),
        event_type: "order.estimate_revised".into(),
        resource: "fo_1".into(),
        reference: Some("ord_x".into()),
        sequence: seq,
        body: format!("{{\"id\":\"{id}\"}}"),
        received_at: at,
        state: InboundState::Pending,
    }
}

#[tokio::test]
async fn a_batch_of_events_says_which_were_new() {
    let db = fresh_store().await.unwrap();
    let now = start_time();
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.insert_inbound(&event("evt_1", 1, now)).await.unwrap());
    tx.commit().await.unwrap();

    let batch: Vec<InboundEvent> = [("evt_1", 1), ("evt_2", 2), ("evt_3", 3), ("evt_2", 2)]
        .iter()
        .map(|(id, s)| event(id, *s, now))
        .collect();
    let mut tx = db.store.begin().await.unwrap();
    let new = tx.insert_inbound_batch(&batch).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(new, vec![false, true, true, false]);

    let mut tx = db.store.read().await.unwrap();
    let pending = tx
        .list_pending_inbound("factory", Some("fo_1"), None)
        .await
        .unwrap();
    let ids: Vec<&str> = pending.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids, ["evt_1", "evt_2", "evt_3"]);
}

#[tokio::test]
async fn jobs_with_one_dedupe_key_merge_while_the_first_waits_unattempted() {
    let db = fresh_store().await.unwrap();
    let now = start_time();
    let keyed = |minutes: i64| {
        let mut j = new_job("apply_factory_events", now + Duration::minutes(minutes));
        j.dedupe_key = Some("apply_factory_events:ord_1".into());
        j
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.enqueue_job(&keyed(10), now).await.unwrap();
    tx.enqueue_jobs(&[keyed(5), keyed(20), new_job("send_email", now)], now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    tx.enqueue_job(&keyed(1), now).await.unwrap();
    tx.commit().await.unwrap();

    let mut r = db.store.read().await.unwrap();
    let queued = r.list_jobs(Some(JobState::Queued), 50).await.unwrap();
    let apply: Vec<_> = queued
        .iter()
        .filter(|j| j.kind == "apply_factory_events")
        .collect();
    assert_eq!(apply.len(), 1, "merged into one: {queued:?}");
    assert_eq!(
        apply[0].run_at,
        now + Duration::minutes(1),
        "the earliest due time wins"
    );
    assert_eq!(queued.len(), 2, "a job without a key never merges");
    assert_eq!(
        r.count_queued_jobs_by_kind().await.unwrap(),
        vec![
            ("apply_factory_events".to_owned(), 1),
            ("send_email".to_owned(), 1)
        ]
    );
    drop(r);

    // Once claimed (attempted), a new event's job waits beside it.
    let claimed = loop {
        let j = db
            .store
            .claim_job(now + Duration::minutes(2), Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        if j.kind == "apply_factory_events" {
            break j;
        }
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.enqueue_job(&keyed(3), now).await.unwrap();
    tx.commit().await.unwrap();
    let mut r = db.store.read().await.unwrap();
    let queued = r.list_jobs(Some(JobState::Queued), 50).await.unwrap();
    assert!(queued
        .iter()
        .any(|j| j.kind == "apply_factory_events" && j.id != claimed.id));
    drop(r);
    // And the claimed one can fail back to the queue beside the new one.
    let mut tx = db.store.begin().await.unwrap();
    let token = claimed.lock_token.clone().unwrap();
    assert!(tx
        .fail_job(
            &claimed.id,
            &token,
            "later",
            Some(now + Duration::minutes(4)),
            now
        )
        .await
        .unwrap());
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn applying_in_batches_writes_every_row_once_across_statement_chunks() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let other = seeded_order(&*db.store, "luis@example.com", t).await;
    // More rows than one statement carries, so the chunks meet.
    let n = caas_store_sql::batch::MAX_ROWS + 37;
    let at = |i: usize| t + Duration::seconds(i as i64);
    let entries: Vec<_> = (0..n)
        .map(|i| {
            timeline_entry(
                &o.id,
                "factory.estimate_revised",
                &format!("factory:evt_{i}"),
                at(i),
            )
        })
        .collect();
    let day =
        |i: usize| chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() + Duration::days(i as i64);
    let revisions: Vec<_> = (0..n)
        .map(|i| estimate_revision(&o.id, &format!("evt_{i}"), Some(day(i)), day(i + 1), at(i)))
        .collect();
    let events: Vec<_> = (0..n)
        .map(|i| event(&format!("evt_{i}"), i as i64 + 1, at(i)))
        .collect();

    let mut tx = db.store.begin().await?;
    // One of each already there: the batch skips it.
    assert!(tx.append_timeline(&entries[5]).await?);
    assert!(tx.insert_estimate_revision(&revisions[7]).await?);
    assert_eq!(tx.insert_inbound_batch(&events).await?.len(), n);
    let theirs = timeline_entry(&other.id, "sale_registered", "sale:other", t);
    assert!(tx.append_timeline(&theirs).await?);
    tx.commit().await?;

    let mut tx = db.store.begin().await?;
    assert_eq!(tx.append_timeline_batch(&entries).await?, n as u64 - 1);
    assert_eq!(
        tx.insert_estimate_revisions(&revisions).await?,
        n as u64 - 1
    );
    assert_eq!(
        tx.append_timeline_batch(&entries).await?,
        0,
        "a replay adds nothing"
    );
    let applied: Vec<String> = events[..n - 2].iter().map(|e| e.event_id.clone()).collect();
    tx.set_inbound_states(
        "factory",
        (Some("fo_1"), None),
        &applied,
        InboundState::Applied,
    )
    .await?;
    // Outside the scope named, nothing is touched.
    tx.set_inbound_states(
        "factory",
        (Some("fo_9"), Some("ord_9")),
        &[events[n - 2].event_id.clone()],
        InboundState::Applied,
    )
    .await?;
    // Another source's event of the same id is not touched.
    tx.set_inbound_states(
        "payments",
        (Some("fo_1"), Some("ord_x")),
        &[events[n - 1].event_id.clone()],
        InboundState::Ignored,
    )
    .await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.list_timeline(&o.id).await?, entries);
    assert_eq!(tx.list_timeline(&other.id).await?, vec![theirs]);
    assert_eq!(tx.list_estimate_revisions(&o.id).await?, revisions);
    let pending = tx
        .list_pending_inbound("factory", Some("fo_1"), None)
        .await?;
    assert_eq!(pending, events[n - 2..].to_vec());
    Ok(())
}
