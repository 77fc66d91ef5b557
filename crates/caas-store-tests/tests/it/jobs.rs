//! Store conformance: durable jobs — the transactional outbox, due times,
//! leases and fencing tokens, failure and retry, and concurrent claiming.

use crate::fixtures::*;
use caas_domain::ids::JobId;
use caas_domain::job::{Job, JobState};
use caas_domain::ports::*;
use caas_store_tests::{backend, fresh_store};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use std::collections::HashSet;
use std::sync::Arc;

const LEASE: Duration = Duration::seconds(30);

async fn find(store: &dyn Store, id: &JobId) -> Job {
    store
        .read()
        .await
        .unwrap()
        .find_job(id)
        .await
        .unwrap()
        .expect("job exists")
}

async fn counts(store: &dyn Store) -> Vec<(JobState, i64)> {
    store
        .read()
        .await
        .unwrap()
        .count_jobs_by_state()
        .await
        .unwrap()
}

async fn finish(store: &dyn Store, id: &JobId, token: &str, now: DateTime<Utc>) -> bool {
    let mut tx = store.begin().await.unwrap();
    let ok = tx.finish_job(id, token, now).await.unwrap();
    tx.commit().await.unwrap();
    ok
}

async fn fail(
    store: &dyn Store,
    id: &JobId,
    token: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    let mut tx = store.begin().await.unwrap();
    let ok = tx
        .fail_job(id, token, "smtp: 421 try again later", retry_at, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ok
}

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

#[tokio::test]
async fn count_jobs_by_state_counts_every_state() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    assert_eq!(
        counts(&*db.store).await,
        JobState::ALL
            .into_iter()
            .map(|s| (s, 0))
            .collect::<Vec<_>>(),
        "every state is listed, zeros included"
    );

    let jobs: Vec<_> = (0..6)
        .map(|i| new_job("k", t + Duration::seconds(i)))
        .collect();
    enqueue(&*db.store, &jobs.iter().collect::<Vec<_>>(), t).await;
    let now = t + Duration::seconds(10);
    // Claims go by run_at: jobs 0, 1, 2.
    let a = db.store.claim_job(now, LEASE).await?.unwrap();
    let b = db.store.claim_job(now, LEASE).await?.unwrap();
    let _running = db.store.claim_job(now, LEASE).await?.unwrap();
    assert!(finish(&*db.store, &a.id, a.lock_token.as_deref().unwrap(), now).await);
    assert!(
        fail(
            &*db.store,
            &b.id,
            b.lock_token.as_deref().unwrap(),
            None,
            now
        )
        .await
    );

    let mut got = counts(&*db.store).await;
    got.sort_by_key(|(s, _)| s.as_str());
    let mut want = vec![
        (JobState::Queued, 3),
        (JobState::Running, 1),
        (JobState::Succeeded, 1),
        (JobState::Dead, 1),
    ];
    want.sort_by_key(|(s, _)| s.as_str());
    assert_eq!(got, want);

    let mut tx = db.store.read().await?;
    let queued: HashSet<_> = tx
        .list_jobs(Some(JobState::Queued), 10)
        .await?
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(queued, jobs[3..].iter().map(|j| j.id.clone()).collect());
    assert_eq!(
        tx.list_jobs(Some(JobState::Dead), 10)
            .await?
            .into_iter()
            .map(|j| j.id)
            .collect::<Vec<_>>(),
        vec![b.id]
    );
    assert_eq!(tx.list_jobs(None, 10).await?.len(), 6);
    assert_eq!(tx.list_jobs(None, 4).await?.len(), 4);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_claimers_claim_every_job_exactly_once() -> anyhow::Result<()> {
    if backend() == "sqlite" {
        eprintln!("skipped: the concurrent-claim test runs on PostgreSQL only (SQLite has a single writer)");
        return Ok(());
    }
    let db = fresh_store().await?;
    let t = start_time();
    let jobs: Vec<_> = (0..200)
        .map(|i| new_job("bulk", t - Duration::milliseconds(i)))
        .collect();
    enqueue(&*db.store, &jobs.iter().collect::<Vec<_>>(), t).await;

    let now = t + Duration::seconds(1);
    let mut workers = Vec::new();
    for _ in 0..8 {
        let store: Arc<dyn Store> = Arc::clone(&db.store);
        workers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = store.claim_job(now, Duration::minutes(10)).await.unwrap() {
                assert_eq!(job.attempts, 1, "claimed twice: {job:?}");
                let mut tx = store.begin().await.unwrap();
                assert!(tx
                    .finish_job(&job.id, job.lock_token.as_deref().unwrap(), now)
                    .await
                    .unwrap());
                tx.commit().await.unwrap();
                mine.push(job.id);
                tokio::task::yield_now().await;
            }
            mine
        }));
    }
    let mut claimed = Vec::new();
    for w in workers {
        claimed.extend(w.await?);
    }
    let unique: HashSet<_> = claimed.iter().cloned().collect();
    assert_eq!(claimed.len(), 200, "every job claimed exactly once");
    assert_eq!(unique.len(), 200, "no job claimed twice");
    assert_eq!(
        unique,
        jobs.iter().map(|j| j.id.clone()).collect::<HashSet<_>>()
    );
    let mut got = counts(&*db.store).await;
    got.retain(|(_, n)| *n != 0);
    assert_eq!(got, vec![(JobState::Succeeded, 200)]);
    Ok(())
}
