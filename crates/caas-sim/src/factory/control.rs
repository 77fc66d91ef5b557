//! The factory's scenario (`/_sim/scenario`: create faults, forced
//! violations, quality-control failures, estimate revisions, refused
//! dealerships, localities and parts, timeline pause) and its one own
//! control, factory-initiated cancellation; the common `/_sim` routes are
//! the skeleton's.

use super::api::order_not_found;
use super::catalogue::UnavailableComponent;
use super::state::{status, Core};
use super::timeline::Step;
use crate::common::http::{json_response, ApiError};
use crate::common::skeleton::requests::status_conflict;
use crate::common::skeleton::{apply_scenario_patch, timeline, SimScenario, WebhookPatch};
use crate::common::webhooks::WebhookFaults;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

/// Slow `POST /v1/orders` responses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SlowCreates {
    /// How many next creates are slow.
    pub count: u32,
    /// Seconds to wait before answering.
    pub secs: f64,
    /// Create the order (and store the idempotent 201) before waiting; when
    /// false, the request answers `503 factory_unavailable` after the wait.
    pub create_anyway: bool,
}

/// The active scenario (`GET /_sim/scenario` shows it with the webhook knobs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    /// Next N creates answer `503 factory_unavailable` with `Retry-After: 1`.
    pub unavailable_for_next_creates: u32,
    /// Slow creates.
    pub slow_creates: SlowCreates,
    /// Violations returned (422) by the next create, once.
    pub reject_next: Vec<Value>,
    /// Failed quality controls of each order created from now on.
    pub qc_failures: u32,
    /// Estimate revisions (days, ± ) after scheduling, for new orders.
    pub revisions: Vec<i64>,
    /// The next N created orders are cancelled by the factory after scheduling.
    pub factory_cancel_next: u32,
    /// Dealership ids refused with `unknown_dealership`.
    pub unknown_dealerships: Vec<String>,
    /// Localities refused (besides `Nowhere`).
    pub unserved_localities: Vec<String>,
    /// Parts unavailable (`component_unavailable`).
    pub unavailable_components: Vec<UnavailableComponent>,
    /// Timelines stop; use `POST /_sim/orders/{id}/advance`.
    pub pause_timeline: bool,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            unavailable_for_next_creates: 0,
            slow_creates: SlowCreates::default(),
            reject_next: Vec::new(),
            qc_failures: 0,
            revisions: vec![7],
            factory_cancel_next: 0,
            unknown_dealerships: Vec::new(),
            unserved_localities: Vec::new(),
            unavailable_components: Vec::new(),
            pause_timeline: false,
        }
    }
}

/// Body of `POST /_sim/scenario`: only the given fields change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScenarioPatch {
    /// See [`Scenario::unavailable_for_next_creates`].
    pub unavailable_for_next_creates: Option<u32>,
    /// See [`Scenario::slow_creates`].
    pub slow_creates: Option<SlowCreates>,
    /// See [`Scenario::reject_next`].
    pub reject_next: Option<Vec<Value>>,
    /// See [`Scenario::qc_failures`].
    pub qc_failures: Option<u32>,
    /// See [`Scenario::revisions`].
    pub revisions: Option<Vec<i64>>,
    /// See [`Scenario::factory_cancel_next`].
    pub factory_cancel_next: Option<u32>,
    /// See [`Scenario::unknown_dealerships`].
    pub unknown_dealerships: Option<Vec<String>>,
    /// See [`Scenario::unserved_localities`].
    pub unserved_localities: Option<Vec<String>>,
    /// See [`Scenario::unavailable_components`].
    pub unavailable_components: Option<Vec<UnavailableComponent>>,
    /// See [`Scenario::pause_timeline`].
    pub pause_timeline: Option<bool>,
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

    fn apply_patch(&mut self, p: ScenarioPatch) -> WebhookPatch {
        apply_scenario_patch!(p => self;
            unavailable_for_next_creates,
            slow_creates,
            reject_next,
            qc_failures,
            revisions,
            factory_cancel_next,
            unknown_dealerships,
            unserved_localities,
            unavailable_components,
            pause_timeline,
        )
    }
}

/// The factory-only `/_sim` route (factory-initiated cancellation).
pub fn router() -> Router<Arc<Core>> {
    Router::new().route("/_sim/orders/{id}/cancel", post(factory_cancel))
}

/// `POST /_sim/orders/{id}/cancel`: the factory cancels a cancellable order.
async fn factory_cancel(
    State(core): State<Arc<Core>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let status_now = {
        let inner = core.lock();
        inner
            .records
            .get(&id)
            .map(|o| o.status)
            .ok_or_else(|| order_not_found(&id))?
    };
    if status_now == status::CANCELLED {
        return Ok(json_response(StatusCode::OK, &core.record_json(&id)));
    }
    {
        let mut inner = core.lock();
        let Some(order) = inner.records.get_mut(&id) else {
            return Err(order_not_found(&id));
        };
        if !order.is_cancellable() {
            let message = format!("Order is {}", order.status);
            return Err(status_conflict(
                "order_not_cancellable",
                message,
                order.status,
            ));
        }
        order.progress.steps.clear();
        order.progress.steps.push_back(Step::FactoryCancel);
    }
    timeline::advance(&*core, &id);
    Ok(json_response(StatusCode::OK, &core.record_json(&id)))
}
