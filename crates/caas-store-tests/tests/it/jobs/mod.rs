//! Store conformance: durable jobs — the transactional outbox, due times,
//! leases and fencing tokens, failure and retry, and concurrent claiming.

mod claiming;
mod counting;
mod failures;

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
