//! Store conformance: claiming jobs — the transactional outbox, due times,
//! earliest first, leases and the fencing token of a reclaimed job.

use super::*;

#[tokio::test]
async fn a_job_enqueued_in_a_dropped_transaction_is_never_claimable() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let job = new_job("send_email", t - Duration::minutes(1));
    let account = customer("ana@example.com", t);
    {
        let mut tx = db.store.begin().await?;
        tx.insert_account(&account).await?;
        tx.enqueue_job(&job, t).await?;
        assert!(
            tx.find_job(&job.id).await?.is_some(),
            "visible inside its own transaction"
        );
        if backend() == "postgres" {
            // Not visible to a claimer (another task) before commit (SQLite has
            // one writer connection, so a claim would wait for this transaction).
            let store = db.store.clone();
            let claimed = tokio::spawn(async move { store.claim_job(t, LEASE).await }).await??;
            assert!(claimed.is_none());
        }
        // Dropped here without commit.
    }
    assert!(db
        .store
        .claim_job(t + Duration::days(1), LEASE)
        .await?
        .is_none());
    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_job(&job.id).await?, None);
    assert_eq!(
        tx.find_account(&account.id).await?,
        None,
        "the business write rolled back with it"
    );
    assert!(tx.list_jobs(None, 10).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_committed_job_is_claimable_only_once_due() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let job = new_job("register_vehicle", t + Duration::minutes(10));
    enqueue(&*db.store, &[&job], t).await;

    let queued = find(&*db.store, &job.id).await;
    assert_eq!(queued.state, JobState::Queued);
    assert_eq!(queued.attempts, 0);
    assert_eq!(
        (queued.lock_token.as_deref(), queued.locked_until),
        (None, None)
    );
    assert_eq!((queued.created_at, queued.updated_at), (t, t));
    assert_eq!(queued.run_at, job.run_at);

    assert!(db.store.claim_job(t, LEASE).await?.is_none());
    assert!(db
        .store
        .claim_job(job.run_at - Duration::microseconds(1), LEASE)
        .await?
        .is_none());
    let now = job.run_at;
    let claimed = db
        .store
        .claim_job(now, LEASE)
        .await?
        .expect("due at run_at");
    assert_eq!(claimed.id, job.id);
    assert_eq!(claimed.kind, job.kind);
    assert_eq!(claimed.payload, job.payload);
    assert_eq!(claimed.max_attempts, job.max_attempts);
    assert_eq!(claimed.state, JobState::Running);
    assert_eq!(claimed.attempts, 1);
    assert_eq!(claimed.locked_until, Some(now + LEASE));
    assert_eq!(claimed.updated_at, now);
    assert_eq!(claimed.created_at, t);
    let token = claimed.lock_token.clone().expect("a fencing token");
    assert!(!token.is_empty());
    assert_eq!(
        find(&*db.store, &job.id).await,
        claimed,
        "the claim is persisted"
    );
    Ok(())
}

#[tokio::test]
async fn due_times_compare_correctly_whatever_their_sub_second_precision() -> anyhow::Result<()> {
    // SQLite keeps times as text whose fractional part has 0, 3, 6 or 9
    // digits; comparisons must still follow time order.
    let db = fresh_store().await?;
    let whole = start_time().trunc_subsecs(0) + Duration::hours(1);
    let milli = whole + Duration::milliseconds(100);
    let micro = whole + Duration::microseconds(100_001);
    let at_whole = new_job("whole", whole);
    let at_milli = new_job("milli", milli);
    let at_micro = new_job("micro", micro);
    enqueue(
        &*db.store,
        &[&at_micro, &at_milli, &at_whole],
        whole - Duration::hours(2),
    )
    .await;

    let claim = |now| {
        let store = Arc::clone(&db.store);
        async move { store.claim_job(now, LEASE).await.unwrap().map(|j| j.kind) }
    };
    assert_eq!(claim(whole - Duration::microseconds(1)).await, None);
    assert_eq!(claim(whole).await.as_deref(), Some("whole"));
    assert_eq!(claim(milli - Duration::microseconds(1)).await, None);
    assert_eq!(claim(milli).await.as_deref(), Some("milli"));
    assert_eq!(claim(micro - Duration::microseconds(1)).await, None);
    assert_eq!(claim(micro).await.as_deref(), Some("micro"));
    // Leases compare the same way: the whole-second claim's lease ends at
    // `whole + LEASE`, a whole second, and is still held a microsecond before.
    assert_eq!(claim(whole + LEASE - Duration::microseconds(1)).await, None);
    assert_eq!(
        claim(whole + LEASE + Duration::microseconds(1))
            .await
            .as_deref(),
        Some("whole")
    );
    Ok(())
}

#[tokio::test]
async fn a_claimed_job_is_not_claimed_again_while_its_lease_holds() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let job = new_job("send_email", t);
    enqueue(&*db.store, &[&job], t).await;

    assert!(db.store.claim_job(t, LEASE).await?.is_some());
    assert!(
        db.store.claim_job(t, LEASE).await?.is_none(),
        "second claim at the same time"
    );
    assert!(db
        .store
        .claim_job(t + LEASE - Duration::seconds(1), LEASE)
        .await?
        .is_none());
    assert_eq!(find(&*db.store, &job.id).await.attempts, 1);
    Ok(())
}

#[tokio::test]
async fn claims_take_the_earliest_due_job_first() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let later = new_job("b", t - Duration::minutes(1));
    let earlier = new_job("a", t - Duration::minutes(5));
    let future = new_job("c", t + Duration::minutes(5));
    enqueue(
        &*db.store,
        &[&later, &future, &earlier],
        t - Duration::hours(1),
    )
    .await;

    assert_eq!(
        db.store.claim_job(t, LEASE).await?.map(|j| j.id),
        Some(earlier.id)
    );
    assert_eq!(
        db.store.claim_job(t, LEASE).await?.map(|j| j.id),
        Some(later.id)
    );
    assert_eq!(db.store.claim_job(t, LEASE).await?, None);
    Ok(())
}

#[tokio::test]
async fn an_expired_lease_is_reclaimed_and_only_the_new_token_can_finish() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let job = new_job("charge_card", t);
    enqueue(&*db.store, &[&job], t).await;

    let first = db.store.claim_job(t, LEASE).await?.unwrap();
    let stale = first.lock_token.clone().unwrap();

    let now = t + LEASE + Duration::seconds(1);
    let second = db
        .store
        .claim_job(now, LEASE)
        .await?
        .expect("lease expired: claimable again");
    assert_eq!(second.id, job.id);
    assert_eq!(second.state, JobState::Running);
    assert_eq!(second.attempts, 2);
    assert_eq!(second.locked_until, Some(now + LEASE));
    let fresh = second.lock_token.clone().unwrap();
    assert_ne!(fresh, stale, "a new fencing token per claim");
    assert!(db.store.claim_job(now, LEASE).await?.is_none());

    // The worker that lost its lease can neither finish nor fail the job.
    assert!(!finish(&*db.store, &job.id, &stale, now).await);
    assert!(!fail(&*db.store, &job.id, &stale, None, now).await);
    assert_eq!(find(&*db.store, &job.id).await, second);

    assert!(finish(&*db.store, &job.id, &fresh, now + Duration::seconds(2)).await);
    let done = find(&*db.store, &job.id).await;
    assert_eq!(done.state, JobState::Succeeded);
    assert_eq!(done.attempts, 2);
    assert_eq!(
        (done.lock_token, done.locked_until, done.last_error),
        (None, None, None)
    );
    assert_eq!(done.updated_at, now + Duration::seconds(2));

    // Finished is final: the token is spent and the job is never claimed again.
    assert!(!finish(&*db.store, &job.id, &fresh, now + Duration::seconds(3)).await);
    assert!(db
        .store
        .claim_job(now + Duration::days(30), LEASE)
        .await?
        .is_none());
    Ok(())
}
