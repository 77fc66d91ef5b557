//! The job backlog as `caas bench` watches it: queued jobs before and after
//! a scenario, jobs finished meanwhile, and waiting for the queue to drain.

use crate::state::AppState;
use caas_domain::job::JobState;
use std::time::{Duration, Instant};

/// Queued jobs: those applying factory events, and all.
pub async fn queued_jobs(state: &AppState) -> (i64, i64) {
    let by_kind = async {
        let mut tx = state.app.store.read().await.ok()?;
        tx.count_queued_jobs_by_kind().await.ok()
    }
    .await
    .unwrap_or_default();
    let apply = by_kind
        .iter()
        .filter(|(k, _)| k == "apply_factory_events")
        .map(|(_, n)| n)
        .sum();
    (apply, by_kind.iter().map(|(_, n)| n).sum())
}

/// Waits until no job is queued or running (or `max`); returns the wait.
pub async fn drain_jobs(app: &caas_app::App, max: Duration) -> Duration {
    let started = Instant::now();
    while started.elapsed() < max {
        // Queued jobs only: counted through the partial index, cheap enough
        // to ask twice a second without loading the database being measured.
        let queued: i64 = async {
            let mut tx = app.store.read().await.ok()?;
            tx.count_queued_jobs_by_kind().await.ok()
        }
        .await
        .map(|v| v.iter().map(|(_, n)| n).sum())
        .unwrap_or(0);
        if queued == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    started.elapsed()
}

/// Jobs finished so far (succeeded or dead).
pub async fn finished_jobs(app: &caas_app::App) -> i64 {
    caas_app::ops::job_counts(app)
        .await
        .map(|v| {
            v.into_iter()
                .filter(|(s, _)| matches!(s, JobState::Succeeded | JobState::Dead))
                .map(|(_, n)| n)
                .sum()
        })
        .unwrap_or(0)
}
