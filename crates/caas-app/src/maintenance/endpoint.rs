//! One VSS endpoint of one VIN through the durable cache (`vss_cache`): a
//! copy younger than its `max-age` is used without asking; an older one is
//! revalidated with `If-None-Match` (304 → the copy, retrieved now); on a
//! timeout, 429, 5xx or a dead connection the copy is served as stale,
//! `Retry-After` is honoured (no call before it) and a 404 is not asked
//! again for a few minutes. The store is never held across the call: the
//! caller read the cache in a statement of its own, and a new answer is
//! written in a transaction of its own after the call. A failed cache write
//! is logged, not fatal: the answer is still good.

use super::memory::Remembered;
use crate::App;
use caas_domain::maintenance::VssReply;
use caas_domain::partners::CallError;
use caas_domain::ports::{VssCacheEntry, VssEndpoint};
use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// `max-age` when VSS sends none (the contract's 900 s).
pub const DEFAULT_MAX_AGE_SECS: u64 = 900;
/// The longest `max-age` or `Retry-After` believed (a day); longer values are cut.
pub const LONGEST_SECS: u64 = 86_400;
/// How long a 404 (or an invalid-VIN refusal) is remembered.
pub const NOT_FOUND_MEMORY: Duration = Duration::minutes(5);
/// The pause after a transient failure that came without `Retry-After`.
pub const DEFAULT_BACK_OFF: Duration = Duration::seconds(15);
/// The pause after a 401/403 (a configuration problem; logged as an error).
pub const UNAUTHORIZED_BACK_OFF: Duration = Duration::minutes(1);

/// What one endpoint gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Got<T> {
    /// Fresh, revalidated, or a copy within its `max-age`; with its retrieval time.
    Current(T, DateTime<Utc>),
    /// The cached copy, served because VSS could not be asked.
    Stale(T, DateTime<Utc>),
    /// VSS has no data for the VIN.
    NotFound,
    /// VSS could not be asked and there is no usable copy.
    Unreachable,
}

/// `n` seconds, cut to 0..=[`LONGEST_SECS`] (never panics on a stored value).
fn secs(n: i64) -> Duration {
    Duration::seconds(n.clamp(0, LONGEST_SECS as i64))
}

fn stale<T>(copy: Option<(T, VssCacheEntry)>) -> Got<T> {
    match copy {
        Some((v, e)) => Got::Stale(v, e.retrieved_at),
        None => Got::Unreachable,
    }
}

async fn store(app: &App, entry: &VssCacheEntry) {
    let written = async {
        let mut tx = app.store.begin().await?;
        tx.put_vss_cache(entry).await?;
        tx.commit().await
    };
    if let Err(e) = written.await {
        tracing::warn!(error = %e, vin = %entry.vin, "VSS answer not cached");
    }
}

/// Reads `endpoint` of `vin`, given its cached entry; `fetch(etag)` calls VSS.
pub async fn read<T, F, Fut>(
    app: &App,
    vin: &str,
    endpoint: VssEndpoint,
    cached: Option<VssCacheEntry>,
    fetch: F,
) -> Got<T>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce(Option<String>) -> Fut,
    Fut: Future<Output = Result<VssReply<T>, CallError>>,
{
    let memory = &app.partners.vss_memory;
    let now = app.clock.now();
    let copy = cached.and_then(|e| match serde_json::from_value::<T>(e.body.clone()) {
        Ok(v) => Some((v, e)),
        Err(err) => {
            tracing::warn!(error = %err, vin, "cached VSS answer unreadable: asking again");
            None
        }
    });
    let copy = match copy {
        Some((v, e)) if now < e.retrieved_at + secs(e.max_age_secs) => {
            return Got::Current(v, e.retrieved_at)
        }
        other => other,
    };
    match memory.remembered(vin, endpoint, now) {
        Some(Remembered::NotFound) => return Got::NotFound,
        Some(Remembered::Refused) => return stale(copy),
        None => {}
    }
    if memory.backing_off(now) {
        return stale(copy);
    }
    let etag = copy.as_ref().and_then(|(_, e)| e.etag.clone());
    let answer = fetch(etag).await;
    let at = app.clock.now();
    match answer {
        Ok(VssReply::Fresh {
            value,
            etag,
            max_age_secs,
        }) => {
            let max_age = max_age_secs
                .unwrap_or(DEFAULT_MAX_AGE_SECS)
                .min(LONGEST_SECS);
            match serde_json::to_value(&value) {
                Ok(body) => {
                    let entry = VssCacheEntry {
                        vin: vin.to_owned(),
                        endpoint,
                        etag,
                        body,
                        retrieved_at: at,
                        max_age_secs: i64::try_from(max_age).unwrap_or(0),
                    };
                    store(app, &entry).await;
                }
                Err(e) => tracing::warn!(error = %e, vin, "VSS answer not serialisable"),
            }
            Got::Current(value, at)
        }
        Ok(VssReply::NotModified) => match copy {
            Some((v, mut e)) => {
                e.retrieved_at = at;
                store(app, &e).await;
                Got::Current(v, at)
            }
            None => {
                tracing::warn!(vin, "VSS answered 304 to an unconditional read");
                Got::Unreachable
            }
        },
        Ok(VssReply::NotFound) => {
            memory.remember(
                vin,
                endpoint,
                Remembered::NotFound,
                at,
                at + NOT_FOUND_MEMORY,
            );
            Got::NotFound
        }
        Err(CallError::Transient {
            message,
            retry_after_secs,
        }) => {
            let pause = retry_after_secs.map_or(DEFAULT_BACK_OFF, |s| {
                secs(i64::try_from(s.min(LONGEST_SECS)).unwrap_or(0))
            });
            tracing::warn!(vin, %message, pause_secs = pause.num_seconds(), "VSS unavailable: serving the cached copy");
            memory.back_off(at + pause);
            stale(copy)
        }
        Err(CallError::Unauthorized(message)) => {
            tracing::error!(vin, %message, "VSS refused our credential: check vss_api_key");
            memory.back_off(at + UNAUTHORIZED_BACK_OFF);
            stale(copy)
        }
        Err(CallError::Refused { code, message }) => {
            tracing::error!(vin, %code, %message, "VSS refused the read");
            memory.remember(
                vin,
                endpoint,
                Remembered::Refused,
                at,
                at + NOT_FOUND_MEMORY,
            );
            stale(copy)
        }
    }
}
