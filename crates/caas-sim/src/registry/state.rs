//! In-memory state of the registry simulator: one [`Service`] per country
//! (registrations by VIN, used plates and ids, VINs being processed,
//! counters), the global failure-injection [`Scenario`] and totals.

use super::control::Scenario;
use caas_domain::partners_delivery::Registration;
use caas_partners::registration::COUNTRIES;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Counters of one service (and their totals).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Authenticated `POST /v1/registrations` received.
    pub requests: u64,
    /// `201` answers.
    pub registrations_created: u64,
    /// `200` replays.
    pub replays: u64,
    /// 400, 409 `vehicle_already_registered` and 422 answers.
    pub rejections: u64,
    /// Injected `503 registry_unavailable`.
    pub unavailable: u64,
    /// `409 registration_in_progress` (injected or concurrent).
    pub in_progress: u64,
}

/// One country's registration service.
#[derive(Debug, Default)]
pub struct Service {
    /// Registrations in creation order.
    pub registrations: Vec<Registration>,
    /// VIN → index in `registrations`.
    pub by_vin: HashMap<String, usize>,
    /// Plates handed out (unique per service).
    pub plates: HashSet<String>,
    /// Registration ids handed out.
    pub ids: HashSet<String>,
    /// VINs whose request is being processed.
    pub in_flight: HashSet<String>,
    /// Counters.
    pub counters: Counters,
}

impl Service {
    /// The registration of `vin`, if any.
    pub fn find(&self, vin: &str) -> Option<&Registration> {
        self.by_vin
            .get(vin)
            .and_then(|i| self.registrations.get(*i))
    }

    /// Stores a new registration (plate and id already reserved).
    pub fn insert(&mut self, reg: Registration) {
        self.by_vin
            .insert(reg.vin.clone(), self.registrations.len());
        self.registrations.push(reg);
    }
}

/// Everything behind the lock.
#[derive(Debug, Default)]
pub struct Inner {
    /// Services by upper-case country code.
    pub services: BTreeMap<&'static str, Service>,
    /// Active failure injection.
    pub scenario: Scenario,
    /// When `already_registered_vins` was last set (their `registered_at`).
    pub already_registered_at: Option<DateTime<Utc>>,
    /// Sum over services.
    pub totals: Counters,
}

impl Inner {
    /// Applies `f` to the counters of `cc` and to the totals.
    pub fn bump(&mut self, cc: &'static str, f: impl Fn(&mut Counters)) {
        f(&mut self.totals);
        f(&mut self.service(cc).counters);
    }

    /// The service of `cc` (one of [`COUNTRIES`]).
    pub fn service(&mut self, cc: &'static str) -> &mut Service {
        self.services.entry(cc).or_default()
    }
}

/// Shared state of a running simulator.
#[derive(Debug)]
pub struct Core {
    inner: Mutex<Inner>,
    /// Extra latency of every `/v1` request.
    pub latency: Duration,
}

impl Core {
    /// Empty services for every country.
    pub fn new(latency: Duration) -> Self {
        let mut inner = Inner::default();
        for cc in COUNTRIES {
            inner.service(cc);
        }
        Self {
            inner: Mutex::new(inner),
            latency,
        }
    }

    /// Locks the state (a poisoned lock is recovered: the data stays consistent
    /// because every mutation is a single step).
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks `vin` as being processed by `cc`; `None` when another request
    /// for it is already executing.
    pub fn begin(self: &Arc<Self>, cc: &'static str, vin: &str) -> Option<InFlight> {
        let fresh = self.lock().service(cc).in_flight.insert(vin.to_owned());
        fresh.then(|| InFlight {
            core: Arc::clone(self),
            cc,
            vin: vin.to_owned(),
        })
    }
}

/// A VIN being processed; dropping it ends the processing.
#[derive(Debug)]
pub struct InFlight {
    core: Arc<Core>,
    cc: &'static str,
    vin: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.core
            .lock()
            .service(self.cc)
            .in_flight
            .remove(&self.vin);
    }
}
