//! Store conformance: counting jobs by state, and concurrent claimers taking
//! every job exactly once.

use super::*;

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
