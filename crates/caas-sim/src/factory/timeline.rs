//! Accelerated production timeline: each order gets a plan of steps at
//! creation (from the scenario), and the skeleton's clock applies one step
//! every `step_ms`; this module says what event each step emits.

use super::state::{status, today, Core, Order};
use crate::common::rfc3339;
use crate::common::skeleton::timeline::emit;
use chrono::{Datelike, Duration as Days, Utc};
use rand::Rng;
use serde_json::{json, Value};
use std::collections::VecDeque;

/// Days from creation to the initial completion estimate.
pub const INITIAL_ESTIMATE_DAYS: i64 = 56;
/// Days from creation to the production slot week.
pub const SLOT_DAYS: i64 = 28;
/// Delay added to the estimate after a failed quality control.
pub const QC_REWORK_DAYS: i64 = 3;
const VIN_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

/// One step of an order's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `order.accepted`.
    Accept,
    /// `order.production_scheduled`.
    Schedule,
    /// `order.estimate_revised` by this many days (negative: earlier).
    Revise(i64),
    /// `order.production_started`.
    StartProduction,
    /// `order.assembly_completed`.
    AssemblyDone,
    /// `order.quality_control_failed`.
    QcFail,
    /// `order.quality_control_passed`.
    QcPass,
    /// `order.estimate_revised` to the actual completion day, if it differs.
    ConfirmCompletionDate,
    /// `order.vehicle_completed`.
    Complete,
    /// `order.vehicle_dispatched`.
    Dispatch,
    /// `order.vehicle_available`.
    Available,
    /// `order.cancelled` by the factory.
    FactoryCancel,
}

/// Builds the plan of a new order.
pub fn plan(revisions: &[i64], qc_failures: u32, factory_cancel: bool) -> VecDeque<Step> {
    let mut steps = vec![Step::Accept, Step::Schedule];
    steps.extend(
        revisions
            .iter()
            .filter(|d| **d != 0)
            .map(|d| Step::Revise(*d)),
    );
    if factory_cancel {
        steps.push(Step::FactoryCancel);
        return steps.into();
    }
    steps.extend([Step::StartProduction, Step::AssemblyDone]);
    for _ in 0..qc_failures {
        steps.extend([
            Step::QcFail,
            Step::Revise(QC_REWORK_DAYS),
            Step::AssemblyDone,
        ]);
    }
    steps.extend([
        Step::QcPass,
        Step::ConfirmCompletionDate,
        Step::Complete,
        Step::Dispatch,
        Step::Available,
    ]);
    steps.into()
}

fn revise(core: &Core, order: &mut Order, days: i64, reason_code: &str, reason: &str) -> Value {
    let previous = order.estimate;
    order.estimate = previous + Days::days(days);
    let extra = json!({"previous_estimated_completion_date": previous.to_string(),
        "reason_code": reason_code, "reason": reason});
    emit(core, order, "order.estimate_revised", order.status, extra)
}

fn vin() -> String {
    let mut rng = rand::thread_rng();
    let tail: String = (0..14)
        .map(|_| char::from(VIN_ALPHABET[rng.gen_range(0..VIN_ALPHABET.len())]))
        .collect();
    format!("VSS{tail}")
}

/// Applies one step; `None` when the step had nothing to emit.
pub(super) fn apply(core: &Core, order: &mut Order, step: Step) -> Option<Value> {
    let now = rfc3339(Utc::now());
    let place = json!({"dealership_id": order.dealership_id, "locality": order.delivery.locality,
        "country": order.delivery.country});
    let ev = match step {
        Step::Accept => emit(core, order, "order.accepted", status::ACCEPTED, json!({})),
        Step::Schedule => {
            let week = (today() + Days::days(SLOT_DAYS)).iso_week();
            let slot = format!("{}-W{:02}", week.year(), week.week());
            emit(
                core,
                order,
                "order.production_scheduled",
                status::SCHEDULED,
                json!({"production_slot_week": slot}),
            )
        }
        Step::Revise(days) if days == QC_REWORK_DAYS && order.status == status::IN_PRODUCTION => {
            revise(
                core,
                order,
                days,
                "quality_rework",
                "Rework after failed quality control",
            )
        }
        Step::Revise(days) if days > 0 => {
            revise(core, order, days, "component_shortage", "Supplier delay")
        }
        Step::Revise(days) => revise(
            core,
            order,
            days,
            "capacity",
            "Production slot brought forward",
        ),
        Step::StartProduction => emit(
            core,
            order,
            "order.production_started",
            status::IN_PRODUCTION,
            json!({}),
        ),
        Step::AssemblyDone => emit(
            core,
            order,
            "order.assembly_completed",
            status::ASSEMBLY_COMPLETED,
            json!({}),
        ),
        Step::QcFail => emit(
            core,
            order,
            "order.quality_control_failed",
            status::IN_PRODUCTION,
            json!({"defects": [{"code": "PAINT_RUN", "description": "Paint run on left rear door"}]}),
        ),
        Step::QcPass => emit(
            core,
            order,
            "order.quality_control_passed",
            status::QC_PASSED,
            json!({}),
        ),
        Step::ConfirmCompletionDate => {
            let days = (today() - order.estimate).num_days();
            if days == 0 {
                return None;
            }
            revise(
                core,
                order,
                days,
                "other",
                "Completion date confirmed by the plant",
            )
        }
        Step::Complete => {
            order.vin = Some(vin());
            if let (Some(url), Some(v)) = (core.cfg.fleet_control_url.clone(), order.vin.clone()) {
                let body = json!({"vin": v, "enabled": order.option_codes, "online": true});
                tokio::spawn(async move {
                    let sent = reqwest::Client::new()
                        .post(format!("{url}/_sim/vehicles"))
                        .json(&body)
                        .send()
                        .await;
                    if let Err(e) = sent {
                        tracing::warn!(%e, "fleet simulator did not take the new vehicle");
                    }
                });
            }
            order.estimate = today();
            emit(
                core,
                order,
                "order.vehicle_completed",
                status::COMPLETED,
                json!({"completed_at": now}),
            )
        }
        Step::Dispatch => emit(
            core,
            order,
            "order.vehicle_dispatched",
            status::DISPATCHED,
            json!({"destination": place, "dispatched_at": now, "estimated_arrival_date": today().to_string()}),
        ),
        Step::Available => {
            let mut location = place;
            location["address"] = json!(format!(
                "{} delivery centre, bay 3",
                order.delivery.locality
            ));
            emit(
                core,
                order,
                "order.vehicle_available",
                status::AVAILABLE,
                json!({"location": location, "available_from": now}),
            )
        }
        Step::FactoryCancel => {
            order.progress.steps.clear();
            emit(
                core,
                order,
                "order.cancelled",
                status::CANCELLED,
                json!({"cancelled_by": "factory", "reason": "Production slot withdrawn by the plant"}),
            )
        }
    };
    Some(ev)
}
