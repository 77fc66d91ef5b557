//! What VSS told this process about *when to ask again*, kept in memory (a
//! restart forgets it, which costs one call): the `Retry-After` of a 429 or
//! 503 (or a short pause after any other transient failure), which holds
//! back every call (the rate limit is per credential), and the VINs VSS
//! answered 404 (or refused as invalid), not asked again for a few minutes
//! (`vss-api.md`: never loop on 404). Times come from the app's clock.
//! It also keeps one lock per VIN being read, so concurrent readers of the
//! same car (a basket of several options, a page and the saga) make one
//! round of calls and the others read its answer from the cache.

use caas_domain::ports::VssEndpoint;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Why a VIN is not asked again for a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remembered {
    /// `404 vehicle_not_found`.
    NotFound,
    /// A definitive refusal (`400 invalid_vin`): a bug, not worth repeating.
    Refused,
}

#[derive(Debug, Default)]
struct Inner {
    back_off_until: Option<DateTime<Utc>>,
    quiet: HashMap<(String, VssEndpoint), (DateTime<Utc>, Remembered)>,
}

/// The process's memory of VSS's pauses; shared by every use case.
#[derive(Debug, Default)]
pub struct VssMemory {
    inner: Mutex<Inner>,
    flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The right to ask VSS about one VIN; dropping it lets the next reader in.
pub struct Flight<'a> {
    memory: &'a VssMemory,
    vin: String,
    lock: Arc<tokio::sync::Mutex<()>>,
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        let mut flights = self
            .memory
            .flights
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        // Ours and the map's: nobody else waits, so the entry can go.
        if Arc::strong_count(&self.lock) <= 3 {
            flights.remove(&self.vin);
        }
    }
}

impl VssMemory {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until no other reader of `vin` is asking VSS, then holds the
    /// VIN until the returned flight is dropped. Never held with a store
    /// connection open.
    pub async fn flight(&self, vin: &str) -> Flight<'_> {
        let lock = {
            let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
            flights.entry(vin.to_owned()).or_default().clone()
        };
        let guard = lock.clone().lock_owned().await;
        Flight {
            memory: self,
            vin: vin.to_owned(),
            lock,
            _guard: guard,
        }
    }

    /// VINs with a reader asking or waiting (for tests of the map's size).
    pub fn flights_in_progress(&self) -> usize {
        self.flights.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// True while VSS asked not to be called (until the `Retry-After`).
    pub fn backing_off(&self, now: DateTime<Utc>) -> bool {
        self.lock().back_off_until.is_some_and(|u| now < u)
    }

    /// Holds every call back until `until` (never shortens a longer pause).
    pub fn back_off(&self, until: DateTime<Utc>) {
        let mut inner = self.lock();
        if inner.back_off_until.is_none_or(|u| u < until) {
            inner.back_off_until = Some(until);
        }
    }

    /// What is remembered of `vin` at `endpoint`, if still in force at `now`.
    pub fn remembered(
        &self,
        vin: &str,
        endpoint: VssEndpoint,
        now: DateTime<Utc>,
    ) -> Option<Remembered> {
        let inner = self.lock();
        let (until, what) = inner.quiet.get(&(vin.to_owned(), endpoint))?;
        (now < *until).then_some(*what)
    }

    /// Remembers `what` of `vin` at `endpoint` until `until`; forgets
    /// whatever has expired by `now`, so the map stays small.
    pub fn remember(
        &self,
        vin: &str,
        endpoint: VssEndpoint,
        what: Remembered,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) {
        let mut inner = self.lock();
        inner.quiet.retain(|_, (u, _)| now < *u);
        inner
            .quiet
            .insert((vin.to_owned(), endpoint), (until, what));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_pause_holds_until_its_end_and_is_never_shortened() {
        let m = VssMemory::default();
        let t = Utc::now();
        assert!(!m.backing_off(t));
        m.back_off(t + Duration::seconds(30));
        m.back_off(t + Duration::seconds(5));
        assert!(m.backing_off(t + Duration::seconds(29)));
        assert!(!m.backing_off(t + Duration::seconds(30)));
    }

    #[test]
    fn a_remembered_vin_is_forgotten_after_its_time() {
        let m = VssMemory::default();
        let t = Utc::now();
        let vin = "VSSZZZ5FZR6000123";
        let until = t + Duration::minutes(5);
        m.remember(vin, VssEndpoint::Compliance, Remembered::NotFound, t, until);
        assert_eq!(
            m.remembered(vin, VssEndpoint::Compliance, t + Duration::minutes(4)),
            Some(Remembered::NotFound)
        );
        assert_eq!(m.remembered(vin, VssEndpoint::MaintenanceRecord, t), None);
        assert_eq!(m.remembered(vin, VssEndpoint::Compliance, until), None);
    }
}
