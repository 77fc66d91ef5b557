//! The reconciliation job (`ReconcileVehicle`): run when a state report is
//! applied (coalesced per car), it compares what the car's purchases entitle
//! with its latest report and corrects drift both ways. Each correction is
//! recorded (the car's corrections log, plus an audit entry) before its
//! command is published, so a republication after a crash or silence is
//! the same command; a correction that gets no final reply fails the job,
//! whose retry publishes it again. A pending correction the twin no longer
//! calls for (a purchase started meanwhile) is superseded, never sent
//! again. Nothing is shown to the customer.

use crate::App;
use caas_domain::audit::AuditEntry;
use caas_domain::fleet::{CommandOutcome, CommandStamp, FleetApi, FleetError, OptionFeature};
use caas_domain::ids::VehicleId;
use caas_domain::order::OrderState;
use caas_domain::purchase::twin::{
    corrections, twin, Correction, CorrectionRecord, CorrectionStatus, Desired, Hold,
};
use caas_domain::vehicle::Assignment;
use serde_json::json;
use std::sync::Arc;

/// Corrections read back to decide (the newest are the only ones that matter).
const LOG_WINDOW: i64 = 50;

/// The job body: one reconciliation of the car.
#[tracing::instrument(skip_all, fields(vehicle = %id))]
pub async fn reconcile_vehicle(app: &App, id: &VehicleId) -> anyhow::Result<()> {
    let (v, order, purchases, log) = {
        let mut tx = app.store.read().await?;
        let Some(v) = tx.find_vehicle(id).await? else {
            return Ok(());
        };
        let Assignment::Assigned { order_id, .. } = &v.assignment else {
            return Ok(());
        };
        let order = tx.find_order(order_id).await?;
        let purchases = tx.list_purchases_for_vehicle(id).await?;
        let log = tx.list_corrections(id, LOG_WINDOW).await?;
        (v, order, purchases, log)
    };
    let Some(order) = order.filter(|o| o.state == OrderState::Operational) else {
        return Ok(());
    };
    let Some(state) = v.last_state.clone() else {
        return Ok(());
    };
    let features =
        crate::catalogue::car_features(app, &v.platform_code, &order.plan.option_codes).await?;
    let now = app.clock.now();
    let grace = app.settings.ota.twin_grace;
    let twins = twin(&features, &purchases, &state.features, now, grace);
    let wanted = corrections(&twins);
    let same = |r: &CorrectionRecord, c: &Correction| {
        r.feature_code == c.feature.code() && r.action == c.action
    };
    for r in log.iter().filter(|r| r.status == CorrectionStatus::Pending) {
        if !wanted.iter().any(|c| same(r, c)) {
            let mut r = r.clone();
            r.status = CorrectionStatus::Superseded;
            r.updated_at = now;
            let mut tx = app.store.begin().await?;
            tx.update_correction(&r).await?;
            tx.commit().await?;
        }
    }
    let mut unfinished = None;
    let mut recheck = false;
    for c in &wanted {
        let pending = log
            .iter()
            .find(|r| r.status == CorrectionStatus::Pending && same(r, c));
        let record = match pending {
            Some(r) => r.clone(),
            // Already corrected after this very report: wait for the next.
            None if log
                .iter()
                .any(|r| same(r, c) && r.seq_at_issue >= state.seq) =>
            {
                continue
            }
            // Corrected moments ago: a report sent before the car executed
            // it still shows the old state; look again after the grace.
            None if log
                .iter()
                .any(|r| same(r, c) && r.created_at + grace.settle > now) =>
            {
                recheck = true;
                continue;
            }
            None => match record(app, c, &v.id, &v.vin, state.seq).await? {
                Some(r) => r,
                None => continue,
            },
        };
        if let Err(e) = send(app, &c.feature, record).await {
            unfinished = Some(e);
        }
    }
    if recheck
        || twins
            .iter()
            .any(|t| t.desired == Desired::Held(Hold::Settling))
    {
        let at = now + grace.settle;
        let mut tx = app.store.begin().await?;
        tx.enqueue_job(&super::reconcile_job(id, at, &app.settings)?, now)
            .await?;
        tx.commit().await?;
    }
    match unfinished {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Records a new correction (and its audit entry) before anything is
/// published; `None` when another run recorded one for the feature first.
async fn record(
    app: &App,
    c: &Correction,
    vehicle: &VehicleId,
    vin: &str,
    seq: i64,
) -> anyhow::Result<Option<CorrectionRecord>> {
    let now = app.clock.now();
    let stamp = CommandStamp::fresh(now, app.settings.ota.command_ttl);
    let r = CorrectionRecord::new(c, vehicle, vin, seq, &stamp);
    let mut tx = app.store.begin().await?;
    if !tx.insert_correction(&r).await? {
        return Ok(None);
    }
    tx.append_audit(
        &AuditEntry::new(now, "system", "vehicle.correction")
            .subject(vehicle.to_string())
            .details(
                json!({"feature": r.feature_code, "action": r.action.as_str(),
                "command_id": r.command_id, "seq": seq, "vin": vin}),
            ),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(%vehicle, feature = %r.feature_code, action = r.action.as_str(), command_id = %r.command_id, "twin correction");
    Ok(Some(r))
}

/// Publishes the recorded command and notes what came back; an error when
/// no final reply came (the job's retry publishes the same command again).
async fn send(app: &App, feature: &OptionFeature, mut r: CorrectionRecord) -> anyhow::Result<()> {
    let fleet: Arc<dyn FleetApi> = app
        .partners
        .fleet
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no fleet link configured"))?;
    let outcome = match fleet
        .send_command(&r.vin, &r.command(feature), app.settings.fleet_command_wait)
        .await
    {
        Ok(o) => o,
        Err(FleetError::NotConnected) => anyhow::bail!("fleet link down"),
        Err(e) => return Err(e.into()),
    };
    r.publishes += 1;
    r.updated_at = app.clock.now();
    let unanswered = match outcome {
        CommandOutcome::Final(reply) => {
            r.status = CorrectionStatus::from_reply(reply.status);
            r.error_code = reply.error.map(|e| e.code);
            false
        }
        CommandOutcome::Accepted | CommandOutcome::Unanswered => true,
    };
    let mut tx = app.store.begin().await?;
    tx.update_correction(&r).await?;
    tx.commit().await?;
    if unanswered {
        anyhow::bail!("{} did not finish correction {}", r.vin, r.command_id);
    }
    Ok(())
}
