//! What support reads of one car (OTA-10, SEC-2: read-only): its latest
//! state and presence, every option feature desired beside reported, the
//! features it reports that are not options (plataforma base or plan, never
//! commanded), the corrections log and the command history of its
//! purchases. The one thing support may make the car do is answer a
//! `state.query` ([`request_state_query`]).

use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::jobs::AppJob;
use crate::App;
use caas_domain::account::Account;
use caas_domain::audit::AuditEntry;
use caas_domain::fleet::FeatureState;
use caas_domain::ids::{PurchaseId, VehicleId};
use caas_domain::order::OrderState;
use caas_domain::purchase::attempt::CommandAttempt;
use caas_domain::purchase::twin::{twin, CorrectionRecord, FeatureTwin};
use caas_domain::staff_policy::handles_support;
use caas_domain::vehicle::{Assignment, Vehicle};
use serde_json::json;

/// Corrections and commands shown.
const HISTORY: i64 = 100;

/// One command of one of the car's purchases.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandLine {
    /// The purchase.
    pub purchase_id: PurchaseId,
    /// Its option.
    pub option_code: String,
    /// The command and what came back.
    pub attempt: CommandAttempt,
}

/// Support's view of a car.
#[derive(Debug, Clone)]
pub struct VehicleSupportView {
    /// The car (latest state report, presence, keys).
    pub vehicle: Vehicle,
    /// Its order's state, if assigned.
    pub order_state: Option<OrderState>,
    /// Option features: desired beside reported.
    pub twins: Vec<FeatureTwin>,
    /// Reported features that are not options of the car (base or plan).
    pub fixed: Vec<FeatureState>,
    /// Corrections, newest first.
    pub corrections: Vec<CorrectionRecord>,
    /// Commands of its purchases, newest first.
    pub commands: Vec<CommandLine>,
}

/// The car `id` as support sees it (SUPPORT and ADMIN).
pub async fn vehicle_view(
    app: &App,
    actor: &Account,
    id: &VehicleId,
) -> AppResult<VehicleSupportView> {
    if !handles_support(actor.role) {
        return Err(AppError::Forbidden);
    }
    let mut tx = app.store.read().await?;
    let vehicle = tx.find_vehicle(id).await?.ok_or(AppError::NotFound)?;
    let order = match &vehicle.assignment {
        Assignment::Assigned { order_id, .. } => tx.find_order(order_id).await?,
        Assignment::SinAsignar => None,
    };
    let purchases = tx.list_purchases_for_vehicle(id).await?;
    let corrections = tx.list_corrections(id, HISTORY).await?;
    drop(tx);
    let plan = order
        .as_ref()
        .map(|o| o.plan.option_codes.clone())
        .unwrap_or_default();
    let features = crate::catalogue::car_features(app, &vehicle.platform_code, &plan).await?;
    let reported = vehicle
        .last_state
        .as_ref()
        .map(|s| s.features.clone())
        .unwrap_or_default();
    let now = app.clock.now();
    let twins = twin(
        &features,
        &purchases,
        &reported,
        now,
        app.settings.ota.twin_grace,
    );
    let fixed = reported
        .iter()
        .filter(|f| features.option(&f.code).is_err())
        .cloned()
        .collect();
    let mut commands: Vec<CommandLine> = purchases
        .iter()
        .flat_map(|p| {
            p.commands.iter().map(|a| CommandLine {
                purchase_id: p.id.clone(),
                option_code: p.item.option_code.clone(),
                attempt: a.clone(),
            })
        })
        .collect();
    commands.sort_by_key(|c| std::cmp::Reverse(c.attempt.issued_at));
    commands.truncate(HISTORY as usize);
    Ok(VehicleSupportView {
        vehicle,
        order_state: order.map(|o| o.state),
        twins,
        fixed,
        corrections,
        commands,
    })
}

/// OTA-10: asks the car for its state (`state.query`, the only command a
/// person can trigger); the answer arrives as the car's latest report.
pub async fn request_state_query(
    app: &App,
    ctx: &RequestContext,
    actor: &Account,
    id: &VehicleId,
) -> AppResult<()> {
    if !handles_support(actor.role) {
        return Err(AppError::Forbidden);
    }
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let vehicle = tx.find_vehicle(id).await?.ok_or(AppError::NotFound)?;
    let job = AppJob::QueryVehicleState {
        vehicle_id: vehicle.id.clone(),
    }
    .to_new_job(now, &app.settings)?;
    tx.enqueue_job(&job, now).await?;
    tx.append_audit(
        &AuditEntry::new(now, actor.id.as_str(), "vehicle.state_query_requested")
            .subject(vehicle.id.to_string())
            .details(json!({"vin": vehicle.vin}))
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(())
}

/// The job body of [`request_state_query`]: publishes a `state.query` and
/// applies its result like any state report (seq-ordered).
#[tracing::instrument(skip_all, fields(vehicle = %id))]
pub async fn query_vehicle_state(app: &App, id: &VehicleId) -> anyhow::Result<()> {
    use caas_domain::fleet::{
        CommandOutcome, CommandStamp, FleetCommand, FleetEventSink, StateReport,
    };
    let v = {
        let mut tx = app.store.read().await?;
        tx.find_vehicle(id).await?
    };
    let Some(v) = v else { return Ok(()) };
    let fleet = app
        .partners
        .fleet
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no fleet link configured"))?;
    let cmd = FleetCommand::state_query(CommandStamp::fresh(
        app.clock.now(),
        app.settings.ota.command_ttl,
    ));
    match fleet
        .send_command(&v.vin, &cmd, app.settings.fleet_command_wait)
        .await?
    {
        CommandOutcome::Final(r) => {
            let Some(result) = r.result else {
                anyhow::bail!("state.query {}: {:?}", r.status.as_str(), r.error);
            };
            let report: StateReport = serde_json::from_value(result)?;
            crate::delivery::fleet_sink::AppFleetSink::new(app.clone())
                .state_report(&v.vin, report)
                .await?;
            Ok(())
        }
        _ => anyhow::bail!("{} did not answer the state query", v.vin),
    }
}
