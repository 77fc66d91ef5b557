//! In-memory state of the VSS simulator: fixtures per VIN, the failure
//! scenario, counters, and the token buckets of the per-credential rate
//! limit (`rate_per_sec` refill, `burst` capacity).

use super::control::Scenario;
use super::fixtures::Fixture;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

/// Counters of `GET /_sim/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Authenticated `/v1` requests.
    pub requests: u64,
    /// `200` answers.
    pub ok: u64,
    /// `304` answers (not counted by the rate limit).
    pub not_modified: u64,
    /// `429` answers.
    pub rate_limited: u64,
    /// `404 vehicle_not_found` answers.
    pub not_found: u64,
    /// `400 invalid_vin` answers.
    pub invalid_vin: u64,
    /// Injected `503`s.
    pub unavailable: u64,
    /// Injected `500`s.
    pub errors: u64,
}

/// A token bucket.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// A full bucket.
    pub fn full(burst: f64) -> Self {
        Self {
            tokens: burst,
            last: Instant::now(),
        }
    }

    /// Takes one token, or returns the whole seconds until one is available.
    pub fn take(&mut self, rate_per_sec: f64, burst: f64) -> Result<(), u64> {
        let now = Instant::now();
        let elapsed = now.duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate_per_sec).min(burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        let wait = if rate_per_sec > 0.0 {
            (1.0 - self.tokens) / rate_per_sec
        } else {
            60.0
        };
        // Whole seconds, at least 1 (`Retry-After` is an integer).
        Err(wait.ceil().clamp(1.0, 3600.0) as u64)
    }
}

/// Everything behind the lock.
#[derive(Debug, Default)]
pub struct Inner {
    /// Fixtures by VIN.
    pub fixtures: HashMap<String, Fixture>,
    /// Failure injection.
    pub scenario: Scenario,
    /// Counters.
    pub stats: Stats,
    /// Rate-limit buckets by bearer credential.
    pub buckets: HashMap<String, Bucket>,
}

/// Shared state of a running simulator.
#[derive(Debug)]
pub struct Core {
    inner: Mutex<Inner>,
    /// Bucket refill per second.
    pub rate_per_sec: f64,
    /// Bucket capacity.
    pub burst: f64,
    /// Preset of VINs without a fixture (see `VssSimConfig`); `None` → 404.
    pub unknown_vin_preset: Option<String>,
}

impl Core {
    /// Empty state with the given rate limit.
    pub fn new(rate_per_sec: f64, burst: u32) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            rate_per_sec: rate_per_sec.max(0.0),
            burst: f64::from(burst.max(1)),
            unknown_vin_preset: None,
        }
    }

    /// Locks the state (recovering from a poisoned lock).
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The fixture of `vin`, created from the unknown-VIN preset on first use.
    pub fn fixture(&self, inner: &mut Inner, vin: &str) -> Option<Fixture> {
        if !inner.fixtures.contains_key(vin) {
            let preset = self.unknown_vin_preset.as_deref()?;
            let input = super::fixtures::preset(vin, preset)?;
            let built = super::fixtures::build(vin, input).ok()?;
            inner.fixtures.insert(vin.to_owned(), built);
        }
        inner.fixtures.get(vin).cloned()
    }

    /// Charges one request to `credential`; `Err(retry_after_secs)` when over the limit.
    pub fn charge(&self, credential: &str) -> Result<(), u64> {
        let mut inner = self.lock();
        let burst = self.burst;
        let bucket = inner
            .buckets
            .entry(credential.to_owned())
            .or_insert_with(|| Bucket::full(burst));
        bucket.take(self.rate_per_sec, burst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_the_burst_then_asks_to_wait() {
        let mut b = Bucket::full(3.0);
        for _ in 0..3 {
            assert_eq!(b.take(1.0, 3.0), Ok(()));
        }
        assert_eq!(b.take(1.0, 3.0), Err(1));
        assert_eq!(Bucket::full(1.0).take(0.0, 1.0), Ok(()));
    }
}
