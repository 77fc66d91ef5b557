//! Delivery mechanics: per-resource lanes for first attempts, signed HTTP
//! attempts, and the retry schedule of contract §5 (compressed by speedup).

use super::{lock, AttemptRecord, OutgoingEvent, Shared};
use chrono::Utc;
use rand::Rng;
use reqwest::header::RETRY_AFTER;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Retry delays after a failed attempt, in seconds (contract §5).
pub const RETRY_SCHEDULE_SECS: [u64; 8] = [5, 60, 300, 1800, 7200, 18000, 28800, 28800];
/// Deliveries stop once this long has passed since the first attempt.
pub const GIVE_UP_AFTER_SECS: u64 = 24 * 3600;
const LOG_CAP: usize = 10_000;

enum Outcome {
    Ok,
    Failed { retry_after: Option<u64> },
    Disabled,
}

/// Entry point of `WebhookSender::send`.
pub(super) fn enqueue(shared: &Arc<Shared>, event: OutgoingEvent) {
    if *shared.closed.borrow() {
        return;
    }
    let faults = lock(&shared.faults).clone();
    if faults.should_drop(&event.event_type) {
        shared.counters.dropped.fetch_add(1, Ordering::SeqCst);
        return;
    }
    if faults.shuffle {
        let batch = lock(&shared.held).hold(event, &faults);
        dispatch_batch(shared, batch);
    } else {
        dispatch(shared, event);
    }
}

/// Dispatches several events (already in their release order).
pub(super) fn dispatch_batch(shared: &Arc<Shared>, batch: Vec<OutgoingEvent>) {
    for event in batch {
        dispatch(shared, event);
    }
}

/// Sends `event` (plus duplicates), through its lane or delayed out of band.
fn dispatch(shared: &Arc<Shared>, event: OutgoingEvent) {
    let has_url = shared.url.read().map(|u| u.is_some()).unwrap_or(true);
    if !has_url {
        shared.counters.not_sent.fetch_add(1, Ordering::SeqCst);
        return;
    }
    let faults = lock(&shared.faults).clone();
    for _ in 0..=faults.duplicates {
        match faults.pick_delay() {
            Some(delay) => {
                let shared = Arc::clone(shared);
                let event = event.clone();
                tokio::spawn(async move {
                    if sleep_or_closed(&shared, delay).await {
                        deliver(shared, event).await;
                    }
                });
            }
            None => {
                let _ = lane(shared, &event.resource_id).send(event.clone());
            }
        }
    }
}

fn lane(shared: &Arc<Shared>, resource: &str) -> mpsc::UnboundedSender<OutgoingEvent> {
    let mut lanes = lock(&shared.lanes);
    if let Some(tx) = lanes.get(resource).filter(|tx| !tx.is_closed()) {
        return tx.clone();
    }
    let (tx, mut rx) = mpsc::unbounded_channel::<OutgoingEvent>();
    // Weak: the lane ends when the sender is gone (no reference cycle).
    let lane_shared = Arc::downgrade(shared);
    tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            let Some(shared) = lane_shared.upgrade() else {
                break;
            };
            if *shared.closed.borrow() {
                break;
            }
            deliver(shared, event).await;
        }
    });
    lanes.insert(resource.to_owned(), tx.clone());
    tx
}

/// First attempt inline; on failure the retries continue in their own task.
async fn deliver(shared: Arc<Shared>, event: OutgoingEvent) {
    let first = Instant::now();
    if let Outcome::Failed { retry_after } = attempt(&shared, &event, 1).await {
        tokio::spawn(retry(shared, event, first, retry_after));
    }
}

async fn retry(
    shared: Arc<Shared>,
    event: OutgoingEvent,
    first: Instant,
    mut retry_after: Option<u64>,
) {
    let give_up = Duration::from_secs_f64(GIVE_UP_AFTER_SECS as f64 / shared.speedup);
    for (i, base) in RETRY_SCHEDULE_SECS.iter().enumerate() {
        let jitter = rand::thread_rng().gen_range(0.9..=1.1);
        let mut secs = *base as f64 * jitter;
        if let Some(ra) = retry_after {
            secs = secs.max(ra as f64);
        }
        let delay = Duration::from_secs_f64(secs / shared.speedup);
        if first.elapsed() + delay > give_up {
            break;
        }
        if !sleep_or_closed(&shared, delay).await {
            return;
        }
        let attempt_no = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(2);
        match attempt(&shared, &event, attempt_no).await {
            Outcome::Ok | Outcome::Disabled => return,
            Outcome::Failed { retry_after: ra } => retry_after = ra,
        }
    }
    shared.counters.gave_up.fetch_add(1, Ordering::SeqCst);
}

/// Sleeps unless the sender is shut down first; `false` when closed.
async fn sleep_or_closed(shared: &Shared, delay: Duration) -> bool {
    let mut closed = shared.closed.subscribe();
    if *closed.borrow() {
        return false;
    }
    tokio::select! {
        _ = tokio::time::sleep(delay) => !*shared.closed.borrow(),
        _ = closed.wait_for(|c| *c) => false,
    }
}

async fn attempt(shared: &Shared, event: &OutgoingEvent, attempt_no: u32) -> Outcome {
    if shared.disabled.load(Ordering::SeqCst) || *shared.closed.borrow() {
        return Outcome::Disabled;
    }
    let url = shared.url.read().ok().and_then(|u| u.clone());
    let Some(url) = url else {
        return Outcome::Disabled;
    };
    let now = Utc::now();
    let signature = shared.secret.sign(&event.id, now.timestamp(), &event.body);
    shared.counters.attempts.fetch_add(1, Ordering::SeqCst);
    let result = shared
        .client
        .post(&url)
        .timeout(shared.timeout)
        .header("content-type", "application/json")
        .header("webhook-id", &event.id)
        .header("webhook-timestamp", now.timestamp().to_string())
        .header("webhook-signature", signature)
        .body(event.body.as_ref().clone())
        .send()
        .await;
    let (status, retry_after) = match &result {
        Ok(resp) => {
            let ra = resp
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            (Some(resp.status().as_u16()), ra)
        }
        Err(err) => {
            tracing::debug!(%err, event_id = %event.id, "webhook attempt failed");
            (None, None)
        }
    };
    {
        let mut log = lock(&shared.log);
        if log.len() >= LOG_CAP {
            log.remove(0);
        }
        log.push(AttemptRecord {
            event_id: event.id.clone(),
            event_type: event.event_type.clone(),
            attempt: attempt_no,
            status,
            at: now,
        });
    }
    match status {
        Some(s) if (200..300).contains(&s) => {
            shared.counters.ok.fetch_add(1, Ordering::SeqCst);
            Outcome::Ok
        }
        Some(410) => {
            shared.counters.failed.fetch_add(1, Ordering::SeqCst);
            shared.disabled.store(true, Ordering::SeqCst);
            tracing::warn!(%url, "webhook endpoint answered 410 Gone: disabled");
            Outcome::Disabled
        }
        Some(s) => {
            shared.counters.failed.fetch_add(1, Ordering::SeqCst);
            let ra = if s == 429 || s == 503 {
                retry_after
            } else {
                None
            };
            Outcome::Failed { retry_after: ra }
        }
        None => {
            shared.counters.failed.fetch_add(1, Ordering::SeqCst);
            Outcome::Failed { retry_after: None }
        }
    }
}

/// Releases shuffled events held longer than their max hold (every 50 ms).
pub(super) async fn shuffle_ticker(weak: Weak<Shared>) {
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let Some(shared) = weak.upgrade() else {
            return;
        };
        if *shared.closed.borrow() {
            return;
        }
        let faults = lock(&shared.faults).clone();
        let batch = lock(&shared.held).expired(&faults);
        dispatch_batch(&shared, batch);
    }
}
