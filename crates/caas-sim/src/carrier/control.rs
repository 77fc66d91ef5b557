//! The carrier's scenario (`/_sim/scenario`: outcome plans per shipment,
//! booking and reschedule faults, timeline pause, automatic reception) and
//! its one own control, the dealership's reception of a returned shipment;
//! the common `/_sim` routes are the skeleton's.

use super::api::shipment_not_found;
use super::plan::DeliveryPlan;
use super::state::Core;
use super::timeline::{self, Reception};
use crate::common::http::{json_response, parse_json, ApiError};
use crate::common::skeleton::requests::status_conflict;
use crate::common::skeleton::{apply_scenario_patch, SimRecord, SimScenario, WebhookPatch};
use crate::common::webhooks::WebhookFaults;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// The active scenario (`GET /_sim/scenario` shows it with the webhook knobs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    /// Plan of shipments that get none from `plans_by_vin` / `next_plans`.
    pub default_plan: DeliveryPlan,
    /// Plans consumed one per booked shipment, in order.
    pub next_plans: VecDeque<DeliveryPlan>,
    /// Plan for the next booking of a VIN (consumed; wins over `next_plans`).
    pub plans_by_vin: BTreeMap<String, DeliveryPlan>,
    /// Timelines stop; use `POST /_sim/shipments/{id}/advance`.
    pub pause_timeline: bool,
    /// Next N bookings answer `503 carrier_unavailable` (not stored).
    pub unavailable_next: u32,
    /// `Retry-After` of those 503s, in seconds.
    pub retry_after_secs: u64,
    /// Next N bookings are executed, then answered after `slow_ms`.
    pub slow_next: u32,
    /// Delay of slow bookings, in milliseconds.
    pub slow_ms: u64,
    /// Next N valid reschedules answer `422 window_not_available`.
    pub window_not_available_next: u32,
    /// Emit `shipment.received_at_dealership` one step after each return.
    pub auto_receive_at_dealership: bool,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            default_plan: DeliveryPlan::Delivered,
            next_plans: VecDeque::new(),
            plans_by_vin: BTreeMap::new(),
            pause_timeline: false,
            unavailable_next: 0,
            retry_after_secs: 1,
            slow_next: 0,
            slow_ms: 0,
            window_not_available_next: 0,
            auto_receive_at_dealership: false,
        }
    }
}

impl Scenario {
    /// The plan of a new shipment of `vin` (consumes the VIN's or the next plan).
    pub fn take_plan(&mut self, vin: &str) -> DeliveryPlan {
        self.plans_by_vin
            .remove(vin)
            .or_else(|| self.next_plans.pop_front())
            .unwrap_or(self.default_plan)
    }
}

/// Body of `POST /_sim/scenario`: only the given fields change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScenarioPatch {
    /// See [`Scenario::default_plan`].
    pub default_plan: Option<DeliveryPlan>,
    /// Replaces the queue of [`Scenario::next_plans`].
    pub next_plans: Option<VecDeque<DeliveryPlan>>,
    /// Added to (or overwriting entries of) [`Scenario::plans_by_vin`].
    pub plans_by_vin: Option<BTreeMap<String, DeliveryPlan>>,
    /// See [`Scenario::pause_timeline`].
    pub pause_timeline: Option<bool>,
    /// See [`Scenario::unavailable_next`].
    pub unavailable_next: Option<u32>,
    /// See [`Scenario::retry_after_secs`].
    pub retry_after_secs: Option<u64>,
    /// See [`Scenario::slow_next`].
    pub slow_next: Option<u32>,
    /// See [`Scenario::slow_ms`].
    pub slow_ms: Option<u64>,
    /// See [`Scenario::window_not_available_next`].
    pub window_not_available_next: Option<u32>,
    /// See [`Scenario::auto_receive_at_dealership`].
    pub auto_receive_at_dealership: Option<bool>,
    /// Webhook failure injection (replaces all knobs).
    pub webhooks: Option<WebhookFaults>,
    /// Webhook receiver URL (`""` stops sending).
    pub webhook_url: Option<String>,
}

impl SimScenario for Scenario {
    type Patch = ScenarioPatch;

    fn timeline_paused(&self) -> bool {
        self.pause_timeline
    }

    /// Copies the given fields; VIN plans are merged in.
    fn apply_patch(&mut self, mut p: ScenarioPatch) -> WebhookPatch {
        let plans_by_vin = p.plans_by_vin.take().unwrap_or_default();
        self.plans_by_vin.extend(plans_by_vin);
        apply_scenario_patch!(p => self;
            default_plan,
            next_plans,
            pause_timeline,
            unavailable_next,
            retry_after_secs,
            slow_next,
            slow_ms,
            window_not_available_next,
            auto_receive_at_dealership,
        )
    }
}

/// Emits `shipment.received_at_dealership` now; `409 shipment_not_returned`
/// unless the shipment is `returned_to_dealership`.
pub fn receive(core: &Core, id: &str, reception: &Reception) -> Result<Value, ApiError> {
    let mut inner = core.lock();
    let s = inner
        .records
        .get_mut(id)
        .ok_or_else(|| shipment_not_found(id))?;
    match timeline::receive(core, s, reception) {
        Some(event) => {
            let shipment = s.to_json();
            inner.events_emitted += 1;
            Ok(json!({ "event": event, "shipment": shipment }))
        }
        None => Err(status_conflict(
            "shipment_not_returned",
            format!("Shipment is {}, not returned_to_dealership", s.status),
            s.status,
        )),
    }
}

/// The carrier-only `/_sim` route (the dealership's reception).
pub fn router() -> Router<Arc<Core>> {
    Router::new().route("/_sim/shipments/{id}/received", post(received))
}

/// `POST /_sim/shipments/{id}/received`: the dealership's reception.
async fn received(
    State(core): State<Arc<Core>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let reception: Reception = parse_json(&body)?;
    if reception.received_by.trim().is_empty() {
        return Err(ApiError::invalid_request("received_by must not be empty")
            .with_details(json!({ "field": "received_by" })));
    }
    Ok(json_response(
        StatusCode::OK,
        &receive(&core, &id, &reception)?,
    ))
}
