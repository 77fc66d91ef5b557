//! Durable job runner. Jobs are rows enqueued in the same transaction as the
//! state change that causes them (outbox). Workers claim due jobs with a lease
//! and a fencing token; a worker that dies leaves its lease to expire and the
//! job is claimed again; only the holder of the current token can finish it.
//! Failures are retried with exponential backoff and jitter up to the job's
//! attempt limit, then the job is dead until an operator retries it.

use async_trait::async_trait;
use caas_domain::clock::Clock;
use caas_domain::job::{after_failure, Backoff, Job};
use caas_domain::ports::Store;
use chrono::Duration;
use std::sync::Arc;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

/// Runs one job's effects. Returning an error schedules a retry.
#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    /// Performs the job. Must be safe to run again after a crash.
    async fn run(&self, job: &Job) -> anyhow::Result<()>;
}

/// Runner settings.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Concurrent workers in this process.
    pub workers: usize,
    /// How long a claim is valid; a job running longer is cut off before it.
    pub lease: Duration,
    /// Sleep between polls when the queue is empty (a wake-up cuts it short).
    pub poll_interval: std::time::Duration,
    /// Retry schedule.
    pub backoff: Backoff,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            workers: 2,
            lease: Duration::minutes(5),
            poll_interval: std::time::Duration::from_millis(500),
            backoff: Backoff::default(),
        }
    }
}

/// What happened to a claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Ran and was marked succeeded.
    Succeeded,
    /// Failed and was requeued for a later attempt.
    Retrying,
    /// Failed its last attempt.
    Dead,
    /// Our claim was lost (lease expired and another worker took it).
    LostClaim,
}

/// Claims and runs jobs.
#[derive(Clone)]
pub struct JobRunner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    handler: Arc<dyn JobHandler>,
    config: RunnerConfig,
    wake: Arc<Notify>,
}

impl JobRunner {
    /// A runner over `store` dispatching to `handler`.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        handler: Arc<dyn JobHandler>,
        config: RunnerConfig,
    ) -> Self {
        Self {
            store,
            clock,
            handler,
            config,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Uses `wake` (shared with the use cases that enqueue jobs) to wake idle workers.
    pub fn with_waker(mut self, wake: Arc<Notify>) -> Self {
        self.wake = wake;
        self
    }

    /// Handle that wakes idle workers (call after committing new jobs).
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Claims one due job and runs it. `None` when nothing is due.
    #[tracing::instrument(skip_all)]
    pub async fn run_once(&self) -> anyhow::Result<Option<(Job, Outcome)>> {
        let now = self.clock.now();
        let Some(job) = self.store.claim_job(now, self.config.lease).await? else {
            return Ok(None);
        };
        let outcome = self.execute(&job).await?;
        Ok(Some((job, outcome)))
    }

    #[tracing::instrument(skip_all, fields(job_id = %job.id, kind = %job.kind, attempt = job.attempts))]
    async fn execute(&self, job: &Job) -> anyhow::Result<Outcome> {
        let token = job.lock_token.clone().unwrap_or_default();
        let result = if job.attempts > job.max_attempts {
            Err(anyhow::anyhow!(
                "lease expired during the last allowed attempt"
            ))
        } else {
            let limit = (self.config.lease - Duration::seconds(5))
                .to_std()
                .unwrap_or(std::time::Duration::from_secs(1))
                .max(std::time::Duration::from_millis(100));
            match tokio::time::timeout(limit, self.handler.run(job)).await {
                Ok(r) => r,
                Err(_) => Err(anyhow::anyhow!("timed out after {limit:?}")),
            }
        };
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let outcome = match result {
            Ok(()) => {
                if tx.finish_job(&job.id, &token, now).await? {
                    Outcome::Succeeded
                } else {
                    Outcome::LostClaim
                }
            }
            Err(e) => {
                let message = format!("{e:#}");
                let jitter: f64 = rand::random();
                let retry_at = after_failure(
                    job.attempts,
                    job.max_attempts,
                    now,
                    self.config.backoff,
                    jitter,
                );
                let ok = tx
                    .fail_job(&job.id, &token, &message, retry_at, now)
                    .await?;
                match (ok, retry_at) {
                    (false, _) => Outcome::LostClaim,
                    (true, Some(_)) => {
                        tracing::warn!(error = %message, "job failed; will retry");
                        Outcome::Retrying
                    }
                    (true, None) => {
                        tracing::error!(error = %message, "job dead after its last attempt");
                        Outcome::Dead
                    }
                }
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// Starts the workers; they stop when `shutdown` turns true, after
    /// finishing the job in hand.
    pub fn spawn(self, shutdown: watch::Receiver<bool>) -> JoinSet<()> {
        let mut set = JoinSet::new();
        for worker in 0..self.config.workers.max(1) {
            let runner = self.clone();
            let mut shutdown = shutdown.clone();
            set.spawn(async move {
                tracing::debug!(worker, "job worker started");
                loop {
                    if *shutdown.borrow() {
                        break;
                    }
                    match runner.run_once().await {
                        Ok(Some(_)) => continue,
                        Ok(None) => {}
                        Err(e) => tracing::error!(error = %format!("{e:#}"), "job worker error"),
                    }
                    tokio::select! {
                        _ = shutdown.changed() => {}
                        _ = runner.wake.notified() => {}
                        _ = tokio::time::sleep(runner.config.poll_interval) => {}
                    }
                }
                tracing::debug!(worker, "job worker stopped");
            });
        }
        set
    }
}
