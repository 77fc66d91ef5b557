//! Store conformance: failing jobs — requeued with a retry time or dead
//! without, and retrying a dead or queued job now.

use super::*;

#[tokio::test]
async fn failing_with_a_retry_time_requeues_the_job_with_the_error() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let job = new_job("send_email", t);
    enqueue(&*db.store, &[&job], t).await;
    let claimed = db.store.claim_job(t, LEASE).await?.unwrap();

    let retry_at = t + Duration::minutes(5);
    assert!(
        fail(
            &*db.store,
            &job.id,
            claimed.lock_token.as_deref().unwrap(),
            Some(retry_at),
            t + Duration::seconds(1)
        )
        .await
    );
    let requeued = find(&*db.store, &job.id).await;
    assert_eq!(requeued.state, JobState::Queued);
    assert_eq!(requeued.run_at, retry_at);
    assert_eq!(requeued.attempts, 1);
    assert_eq!(
        requeued.last_error.as_deref(),
        Some("smtp: 421 try again later")
    );
    assert_eq!((requeued.lock_token, requeued.locked_until), (None, None));
    assert_eq!(requeued.updated_at, t + Duration::seconds(1));

    assert!(db
        .store
        .claim_job(retry_at - Duration::seconds(1), LEASE)
        .await?
        .is_none());
    let again = db
        .store
        .claim_job(retry_at, LEASE)
        .await?
        .expect("due again at retry_at");
    assert_eq!(again.attempts, 2);
    assert_ne!(again.lock_token, claimed.lock_token);
    // A later success clears the error.
    assert!(
        finish(
            &*db.store,
            &job.id,
            again.lock_token.as_deref().unwrap(),
            retry_at
        )
        .await
    );
    assert_eq!(find(&*db.store, &job.id).await.last_error, None);
    Ok(())
}

#[tokio::test]
async fn failing_without_a_retry_time_makes_the_job_dead() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let job = new_job("send_email", t);
    enqueue(&*db.store, &[&job], t).await;
    let claimed = db.store.claim_job(t, LEASE).await?.unwrap();

    assert!(
        fail(
            &*db.store,
            &job.id,
            claimed.lock_token.as_deref().unwrap(),
            None,
            t
        )
        .await
    );
    let dead = find(&*db.store, &job.id).await;
    assert_eq!(dead.state, JobState::Dead);
    assert_eq!(
        dead.last_error.as_deref(),
        Some("smtp: 421 try again later")
    );
    assert_eq!((dead.lock_token, dead.locked_until), (None, None));
    assert!(db
        .store
        .claim_job(t + Duration::days(365), LEASE)
        .await?
        .is_none());
    Ok(())
}

#[tokio::test]
async fn retrying_a_dead_job_now_makes_it_claimable_again() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let mut job = new_job("register_vehicle", t);
    job.max_attempts = 1;
    enqueue(&*db.store, &[&job], t).await;
    let claimed = db.store.claim_job(t, LEASE).await?.unwrap();
    assert!(
        fail(
            &*db.store,
            &job.id,
            claimed.lock_token.as_deref().unwrap(),
            None,
            t
        )
        .await
    );

    let now = t + Duration::hours(2);
    let mut tx = db.store.begin().await?;
    assert!(tx.retry_job_now(&job.id, now).await?);
    assert!(!tx.retry_job_now(&JobId::new(), now).await?, "unknown job");
    tx.commit().await?;
    let queued = find(&*db.store, &job.id).await;
    assert_eq!(queued.state, JobState::Queued);
    assert_eq!(queued.run_at, now);
    assert!(
        queued.max_attempts > queued.attempts,
        "one more attempt allowed: {queued:?}"
    );

    let again = db
        .store
        .claim_job(now, LEASE)
        .await?
        .expect("claimable after retry");
    assert_eq!(again.id, job.id);
    assert_eq!(again.attempts, 2);

    // A running job cannot be forced; neither can a finished one.
    let mut tx = db.store.begin().await?;
    assert!(!tx.retry_job_now(&job.id, now).await?, "running");
    assert!(
        tx.finish_job(&job.id, again.lock_token.as_deref().unwrap(), now)
            .await?
    );
    assert!(!tx.retry_job_now(&job.id, now).await?, "succeeded");
    tx.commit().await?;
    assert_eq!(find(&*db.store, &job.id).await.state, JobState::Succeeded);
    Ok(())
}

#[tokio::test]
async fn retrying_a_queued_job_now_brings_it_forward() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let job = new_job("send_email", t + Duration::days(1));
    enqueue(&*db.store, &[&job], t).await;
    let mut tx = db.store.begin().await?;
    assert!(tx.retry_job_now(&job.id, t).await?);
    tx.commit().await?;
    let claimed = db.store.claim_job(t, LEASE).await?.expect("due now");
    assert_eq!(
        (claimed.id, claimed.max_attempts),
        (job.id, job.max_attempts)
    );
    Ok(())
}
