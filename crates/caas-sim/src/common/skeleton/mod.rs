//! The skeleton shared by the timeline-driven partner simulators (factory,
//! carrier, and any later partner that takes records over `/v1`, plays an
//! accelerated timeline for each and reports it as signed webhooks).
//!
//! A partner implements [`Partner`] (its configuration and how one timeline
//! step becomes an event), [`SimScenario`] for its scenario and
//! [`SimRecord`] for the records its API creates. The skeleton supplies the
//! rest:
//! - [`store`]: the shared core, its lock, its record collection and counters;
//! - [`timeline`]: event emission into the webhook outbox, manual stepping
//!   and the per-record clock task;
//! - [`control`]: the common `/_sim/…` routes (scenario, reset, stats,
//!   listing, advance, webhook attempts and flush);
//! - [`requests`]: Idempotency-Key reservation and the fetch/events routes;
//! - [`server`]: starting and stopping a simulator and its control handle.

pub mod control;
pub mod requests;
pub mod server;
pub mod store;
pub mod timeline;

pub use control::WebhookPatch;
pub use server::{start, InvalidWebhookSecret, PartnerRoutes, SimControl};
pub use store::{Core, Inner, Progress};

use super::http::ApiError;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Debug;

/// What the skeleton reads from a partner's configuration.
#[derive(Debug, Clone)]
pub struct SkeletonSettings<'a> {
    /// API key clients must send as `Authorization: Bearer …`.
    pub api_key: &'a str,
    /// Webhook signing secret (`whsec_…`).
    pub webhook_secret: &'a str,
    /// Name of the variable holding the secret, for error messages.
    pub webhook_secret_variable: &'static str,
    /// Where webhooks are POSTed; `None` (or empty) sends nothing.
    pub webhook_url: Option<&'a str>,
    /// Divides the webhook retry schedule (1.0 = contract timing).
    pub retry_speedup: f64,
    /// Milliseconds between steps of the accelerated timeline.
    pub step_ms: u64,
}

/// A record the partner API creates (an order, a shipment…): its contract
/// JSON, its status changes and its [`Progress`] along the timeline.
pub trait SimRecord: Debug + Send + Sync + 'static {
    /// One step of the record's timeline.
    type Step: Debug + Send + Sync + 'static;

    /// The record's id (also the webhook resource id).
    fn id(&self) -> &str;
    /// The contract's JSON object for the record.
    fn to_json(&self) -> Value;
    /// Whether the record reached a final status (its timeline is over).
    fn is_final(&self) -> bool;
    /// Moves the record to `status` at `now` with the next sequence number
    /// and returns the identity fields that start every event's `data`.
    fn stamp_event(&mut self, status: &'static str, now: DateTime<Utc>) -> Value;
    /// The steps still to play and the events emitted so far.
    fn progress(&self) -> &Progress<Self::Step>;
    /// The same, to consume steps, replace them or record an event.
    fn progress_mut(&mut self) -> &mut Progress<Self::Step>;
    /// The record as `GET /_sim/<collection>` lists it.
    fn sim_listing(&self) -> Value {
        let mut listed = self.to_json();
        listed["remaining_steps"] = json!(self.progress().steps.len());
        listed
    }
}

/// A partner's scenario: what `/_sim/scenario` shows and patches.
pub trait SimScenario: Debug + Default + Clone + Serialize + Send + Sync + 'static {
    /// Body of `POST /_sim/scenario`.
    type Patch: DeserializeOwned + Send + 'static;

    /// Whether timelines are paused (steps only through `advance`).
    fn timeline_paused(&self) -> bool;
    /// Applies the scenario fields of `patch`; returns its webhook part.
    fn apply_patch(&mut self, patch: Self::Patch) -> WebhookPatch;
}

/// One partner simulator built on the skeleton.
pub trait Partner: Debug + Clone + Send + Sync + 'static {
    /// Start-up configuration (flags and environment).
    type Config: Debug + Send + Sync + 'static;
    /// The records the partner API creates.
    type Record: SimRecord;
    /// The active scenario (`GET /_sim/scenario`, webhook knobs aside).
    type Scenario: SimScenario;

    /// Prefix of event ids (`evt`, `evt_trn`…).
    const EVENT_ID_PREFIX: &'static str;
    /// Path segment of the records under `/_sim/` (`orders`, `shipments`…).
    const COLLECTION: &'static str;
    /// Key of the record in `/_sim/<collection>/{id}/advance` answers.
    const RECORD_KEY: &'static str;
    /// Stats names of the create requests and of the records created.
    const CREATE_COUNTERS: [&'static str; 2];

    /// What the skeleton needs from the configuration.
    fn settings(cfg: &Self::Config) -> SkeletonSettings<'_>;
    /// The contract's `404` for an unknown record id.
    fn not_found(id: &str) -> ApiError;
    /// Applies one step to `record`; `None` when it emits nothing (it does
    /// not fit the current state, or has nothing to say).
    fn apply_step(
        core: &Core<Self>,
        scenario: &Self::Scenario,
        record: &mut Self::Record,
        step: <Self::Record as SimRecord>::Step,
    ) -> Option<Value>;
}

/// The scenario patch type of partner `P`.
pub type PatchOf<P> = <<P as Partner>::Scenario as SimScenario>::Patch;

/// Applies a scenario patch whose webhook part is in its `webhooks` and
/// `webhook_url` fields: copies the listed `Some` fields onto the scenario
/// and evaluates to the [`WebhookPatch`]:
/// `apply_scenario_patch!(patch => scenario; field_a, field_b)`.
macro_rules! apply_scenario_patch {
    ($patch:ident => $scenario:expr; $($field:ident),* $(,)?) => {{
        $(if let Some(value) = $patch.$field { $scenario.$field = value; })*
        $crate::common::skeleton::WebhookPatch {
            faults: $patch.webhooks,
            url: $patch.webhook_url,
        }
    }};
}
pub(crate) use apply_scenario_patch;
