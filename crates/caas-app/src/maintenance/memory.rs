//! What VSS told this process about *when to ask again*, kept in memory (a
//! restart forgets it, which costs one call): the `Retry-After` of a 429 or
//! 503 (or a short pause after any other transient failure), which holds
//! back every call (the rate limit is per credential), and the VINs VSS
//! answered 404 (or refused as invalid), not asked again for a few minutes
//! (`vss-api.md`: never loop on 404). Times come from the app's clock.

use caas_domain::ports::VssEndpoint;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

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
}

impl VssMemory {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
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
