//! The job runner over a real store (SQLite, or PostgreSQL when
//! `CAAS_TEST_DATABASE_URL` is set): outbox semantics, crash recovery by
//! lease expiry, retries with backoff, and no double execution.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use async_trait::async_trait;
use caas_domain::clock::Clock;
use caas_domain::ids::JobId;
use caas_domain::job::{Backoff, Job, JobState, NewJob};
use caas_domain::ports::Store;
use caas_jobs::{JobHandler, JobRunner, Outcome, RunnerConfig};
use caas_store_tests::{fresh_store, open_store, TestClock};
use chrono::Duration;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

fn job(clock: &TestClock, max_attempts: i32) -> NewJob {
    NewJob {
        id: JobId::new(),
        kind: "test".into(),
        payload: serde_json::json!({"n": 1}),
        run_at: clock.now(),
        max_attempts,
        dedupe_key: None,
    }
}

async fn enqueue(store: &Arc<dyn Store>, clock: &TestClock, j: &NewJob) {
    let mut tx = store.begin().await.unwrap();
    tx.enqueue_job(j, clock.now()).await.unwrap();
    tx.commit().await.unwrap();
}

fn config() -> RunnerConfig {
    RunnerConfig {
        workers: 1,
        lease: Duration::seconds(30),
        poll_interval: std::time::Duration::from_millis(20),
        backoff: Backoff {
            base: Duration::seconds(10),
            cap: Duration::minutes(5),
        },
    }
}

/// Counts runs per job id.
#[derive(Default)]
struct Counting {
    runs: Mutex<HashMap<JobId, usize>>,
}

#[async_trait]
impl JobHandler for Counting {
    async fn run(&self, job: &Job) -> anyhow::Result<()> {
        *self.runs.lock().unwrap().entry(job.id.clone()).or_default() += 1;
        Ok(())
    }
}

#[tokio::test]
async fn a_job_enqueued_in_a_rolled_back_transaction_never_runs() {
    let db = fresh_store().await.unwrap();
    let clock = TestClock::new();
    let handler = Arc::new(Counting::default());
    let runner = JobRunner::new(
        db.store.clone(),
        Arc::new(clock.clone()),
        handler.clone(),
        config(),
    );
    {
        let mut tx = db.store.begin().await.unwrap();
        tx.enqueue_job(&job(&clock, 3), clock.now()).await.unwrap();
        // dropped: rolled back
    }
    clock.advance(Duration::hours(1));
    assert!(runner.run_once().await.unwrap().is_none());
    assert!(handler.runs.lock().unwrap().is_empty());
}

/// Hangs on its first run (a worker that dies mid-job), completes afterwards.
#[derive(Default)]
struct HangsOnce {
    started: AtomicUsize,
    completed: AtomicUsize,
}

#[async_trait]
impl JobHandler for HangsOnce {
    async fn run(&self, _job: &Job) -> anyhow::Result<()> {
        if self.started.fetch_add(1, Ordering::SeqCst) == 0 {
            std::future::pending::<()>().await;
        }
        self.completed.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn a_job_whose_worker_is_killed_runs_again_exactly_once_after_its_lease() {
    let db = fresh_store().await.unwrap();
    let clock = TestClock::new();
    let handler = Arc::new(HangsOnce::default());
    let j = job(&clock, 3);
    enqueue(&db.store, &clock, &j).await;

    let doomed = JobRunner::new(
        db.store.clone(),
        Arc::new(clock.clone()),
        handler.clone(),
        config(),
    );
    let worker = tokio::spawn(async move { doomed.run_once().await });
    while handler.started.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    worker.abort(); // the worker dies holding the claim
    let _ = worker.await;

    let survivor = JobRunner::new(
        db.store.clone(),
        Arc::new(clock.clone()),
        handler.clone(),
        config(),
    );
    assert!(
        survivor.run_once().await.unwrap().is_none(),
        "the lease still holds"
    );
    clock.advance(Duration::seconds(31));
    let (claimed, outcome) = survivor
        .run_once()
        .await
        .unwrap()
        .expect("reclaimed after the lease");
    assert_eq!(claimed.id, j.id);
    assert_eq!(claimed.attempts, 2);
    assert_eq!(outcome, Outcome::Succeeded);
    clock.advance(Duration::minutes(10));
    assert!(
        survivor.run_once().await.unwrap().is_none(),
        "nothing runs a third time"
    );
    assert_eq!(handler.completed.load(Ordering::SeqCst), 1);
    let stored = db
        .store
        .read()
        .await
        .unwrap()
        .find_job(&j.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, JobState::Succeeded);
}

struct AlwaysFails;

#[async_trait]
impl JobHandler for AlwaysFails {
    async fn run(&self, _job: &Job) -> anyhow::Result<()> {
        anyhow::bail!("partner down")
    }
}

#[tokio::test]
async fn a_failing_job_backs_off_between_attempts_and_dies_after_the_last() {
    let db = fresh_store().await.unwrap();
    let clock = TestClock::new();
    let runner = JobRunner::new(
        db.store.clone(),
        Arc::new(clock.clone()),
        Arc::new(AlwaysFails),
        config(),
    );
    let j = job(&clock, 3);
    enqueue(&db.store, &clock, &j).await;

    let (_, o) = runner.run_once().await.unwrap().unwrap();
    assert_eq!(o, Outcome::Retrying);
    let stored = db
        .store
        .read()
        .await
        .unwrap()
        .find_job(&j.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, JobState::Queued);
    assert_eq!(stored.last_error.as_deref(), Some("partner down"));
    let delay = stored.run_at - clock.now();
    assert!(
        delay >= Duration::seconds(8) && delay <= Duration::seconds(12),
        "first backoff ~10 s ±20 %: {delay}"
    );
    assert!(
        runner.run_once().await.unwrap().is_none(),
        "not due before the backoff"
    );

    clock.advance(Duration::seconds(13));
    let (_, o) = runner.run_once().await.unwrap().unwrap();
    assert_eq!(o, Outcome::Retrying);
    let stored = db
        .store
        .read()
        .await
        .unwrap()
        .find_job(&j.id)
        .await
        .unwrap()
        .unwrap();
    let delay = stored.run_at - clock.now();
    assert!(
        delay >= Duration::seconds(16) && delay <= Duration::seconds(24),
        "second backoff doubles: {delay}"
    );

    clock.advance(Duration::seconds(25));
    let (_, o) = runner.run_once().await.unwrap().unwrap();
    assert_eq!(o, Outcome::Dead);
    clock.advance(Duration::hours(1));
    assert!(
        runner.run_once().await.unwrap().is_none(),
        "a dead job stays dead"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_runner_processes_never_run_the_same_job() {
    let db = fresh_store().await.unwrap();
    let clock = TestClock::new();
    let n = 300;
    {
        let mut tx = db.store.begin().await.unwrap();
        for _ in 0..n {
            tx.enqueue_job(&job(&clock, 3), clock.now()).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    // Two independent stores (own pools), as two processes would have.
    let second: Arc<dyn Store> = if db.url.starts_with("postgres") {
        open_store(&db.url).await.unwrap()
    } else {
        db.store.clone()
    };
    eprintln!("runner test backend: {}", db.store.backend_name());
    let handler = Arc::new(Counting::default());
    let cfg = RunnerConfig {
        workers: 4,
        ..config()
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut a = JobRunner::new(
        db.store.clone(),
        Arc::new(clock.clone()),
        handler.clone(),
        cfg.clone(),
    )
    .spawn(stop_rx.clone());
    let mut b =
        JobRunner::new(second, Arc::new(clock.clone()), handler.clone(), cfg).spawn(stop_rx);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while handler.runs.lock().unwrap().len() < n && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop_tx.send(true).unwrap();
    while a.join_next().await.is_some() {}
    while b.join_next().await.is_some() {}
    let runs = handler.runs.lock().unwrap().clone();
    assert_eq!(runs.len(), n, "every job ran");
    assert!(runs.values().all(|&c| c == 1), "no job ran twice");
    let counts = succeeded_count(&db.store).await;
    assert_eq!(counts, n as i64);
}

async fn succeeded_count(store: &Arc<dyn Store>) -> i64 {
    let counts = store
        .read()
        .await
        .unwrap()
        .count_jobs_by_state()
        .await
        .unwrap();
    counts
        .into_iter()
        .find(|(s, _)| *s == JobState::Succeeded)
        .map_or(0, |(_, n)| n)
}
