//! Storing verified webhook events. Every receiver hands its event (and the
//! job that applies it) to one writer task, which stores whatever is waiting
//! in one transaction of a few multi-row statements and only then answers
//! each receiver (group commit): under load a batch of tens of events costs
//! what one used to, and when idle a single event goes straight through.
//! An event already stored is a duplicate; its job is not enqueued again.

use crate::error::{AppError, AppResult};
use caas_domain::job::NewJob;
use caas_domain::ports::Store;
use caas_domain::records::InboundEvent;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Notify};

/// Events stored per transaction at most.
const MAX_BATCH: usize = 256;
/// Events that may wait for the writer; beyond, receivers get 503.
const QUEUE: usize = 4096;

struct Pending {
    row: InboundEvent,
    job: Option<NewJob>,
    done: oneshot::Sender<AppResult<bool>>,
}

/// The writer task's inbox.
#[derive(Clone)]
pub struct Ingest {
    queue: mpsc::Sender<Pending>,
}

impl std::fmt::Debug for Ingest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ingest")
    }
}

impl Ingest {
    /// Starts the writer on the current runtime.
    pub fn start(store: Arc<dyn Store>, waker: Arc<Notify>) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(writer(store, waker, rx));
        Self { queue: tx }
    }

    /// Stores `row` (and, if it is new, enqueues `job`) durably; true if new.
    pub async fn store(&self, row: InboundEvent, job: Option<NewJob>) -> AppResult<bool> {
        let (done, answer) = oneshot::channel();
        self.queue
            .try_send(Pending { row, job, done })
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => AppError::Overloaded {
                    retry_after_secs: 1,
                },
                mpsc::error::TrySendError::Closed(_) => {
                    AppError::Internal(anyhow::anyhow!("the event writer stopped"))
                }
            })?;
        answer
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the event writer stopped")))?
    }
}

async fn writer(store: Arc<dyn Store>, waker: Arc<Notify>, mut rx: mpsc::Receiver<Pending>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        match write(&*store, &batch).await {
            Ok(news) => {
                let any = news.iter().any(|n| *n);
                for (p, new) in batch.into_iter().zip(news) {
                    let _ = p.done.send(Ok(new));
                }
                if any {
                    waker.notify_waiters();
                    waker.notify_one();
                }
            }
            // One bad event must not fail the others: store them one by one.
            Err(_) if batch.len() > 1 => {
                for p in batch {
                    let r = write(&*store, std::slice::from_ref(&p)).await;
                    if matches!(&r, Ok(n) if n.first() == Some(&true)) {
                        waker.notify_one();
                    }
                    let _ = p.done.send(r.map(|n| n.first().copied().unwrap_or(false)));
                }
            }
            Err(e) => {
                for p in batch {
                    let _ = p.done.send(Err(AppError::Internal(anyhow::anyhow!("{e}"))));
                }
            }
        }
    }
}

#[tracing::instrument(skip_all, fields(events = batch.len()))]
async fn write(store: &dyn Store, batch: &[Pending]) -> AppResult<Vec<bool>> {
    let rows: Vec<InboundEvent> = batch.iter().map(|p| p.row.clone()).collect();
    let now = batch
        .iter()
        .map(|p| p.row.received_at)
        .max()
        .unwrap_or_else(chrono::Utc::now);
    let mut tx = store.begin().await?;
    let news = tx.insert_inbound_batch(&rows).await?;
    let jobs: Vec<NewJob> = batch
        .iter()
        .zip(&news)
        .filter(|(_, new)| **new)
        .filter_map(|(p, _)| p.job.clone())
        .collect();
    if !jobs.is_empty() {
        tx.enqueue_jobs(&jobs, now).await?;
    }
    tx.commit().await?;
    Ok(news)
}
