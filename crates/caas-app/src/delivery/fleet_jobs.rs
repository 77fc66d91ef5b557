//! Fleet jobs of the handover: the DLV-11 check (a `state.query`, then
//! `feature.enable` for every plan comercial option the car reports
//! disabled) and the revocation of a phone key (`app.unlink`). Both are
//! idempotent on the car, so a retry after a crash publishes a new command.

use crate::orders::effects::{record_in, EventRecord};
use crate::App;
use caas_domain::fleet::{
    CommandOutcome, CommandStamp, FleetApi, FleetCommand, ReplyStatus, StateReport,
};
use caas_domain::ids::{OrderId, VehicleId};
use caas_domain::order::OrderState;
use chrono::{DateTime, Utc};
use serde_json::json;
use std::sync::Arc;

/// A fresh command id and lifetime (a day) for a handover command.
pub fn stamp(now: DateTime<Utc>) -> CommandStamp {
    CommandStamp::fresh(now, chrono::Duration::days(1))
}

fn fleet(app: &App) -> anyhow::Result<Arc<dyn FleetApi>> {
    app.partners
        .fleet
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no fleet link configured"))
}

/// Sends `cmd` and insists on a final reply.
async fn run(
    app: &App,
    vin: &str,
    cmd: &FleetCommand,
) -> anyhow::Result<caas_domain::fleet::FleetReply> {
    match fleet(app)?
        .send_command(vin, cmd, app.settings.fleet_command_wait)
        .await?
    {
        CommandOutcome::Final(r) => Ok(r),
        CommandOutcome::Accepted => {
            anyhow::bail!("{} accepted by {vin} but not finished yet", cmd.kind())
        }
        CommandOutcome::Unanswered => anyhow::bail!("{vin} did not answer {}", cmd.kind()),
    }
}

/// DLV-11: confirms by state query that every plan option is enabled and
/// enables those that are not.
#[tracing::instrument(skip_all, fields(order = %order_id))]
pub async fn handover_check(app: &App, order_id: &OrderId) -> anyhow::Result<()> {
    let order = {
        let mut tx = app.store.read().await?;
        tx.find_order(order_id).await?
    };
    let Some(order) = order else { return Ok(()) };
    if !matches!(order.state, OrderState::Delivered | OrderState::Operational) {
        return Ok(());
    }
    let Some(vin) = order.factory.vin.clone() else {
        return Ok(());
    };
    let now = app.clock.now();
    let reply = run(app, &vin, &FleetCommand::state_query(stamp(now))).await?;
    if reply.status != ReplyStatus::Succeeded {
        anyhow::bail!("state.query {}: {:?}", reply.status.as_str(), reply.error);
    }
    let state: StateReport = serde_json::from_value(reply.result.unwrap_or_default())?;
    let features =
        crate::catalogue::car_features(app, &order.plan.platform_code, &order.plan.option_codes)
            .await?;
    let mut enabled = Vec::new();
    let mut refused = Vec::new();
    for code in features.plan_codes() {
        let on = state.features.iter().any(|f| &f.code == code && f.enabled);
        if on {
            continue;
        }
        let feature = features.plan(code)?;
        let cmd = FleetCommand::enable_plan(&feature, stamp(app.clock.now()));
        let r = run(app, &vin, &cmd).await?;
        if r.status == ReplyStatus::Succeeded {
            enabled.push(code.clone());
        } else {
            refused.push(json!({"code": code, "status": r.status.as_str(), "error": r.error}));
        }
    }
    let mut tx = app.store.begin().await?;
    let rec = EventRecord {
        kind: caas_domain::timeline::TimelineKind::HandoverCheck,
        at: app.clock.now(),
        data: json!({"checked": order.plan.option_codes, "enabled_now": enabled, "refused": refused, "seq": state.seq}),
        dedupe_key: format!("handover-check:{}", order.id),
        detail: None,
        alert_message: String::new(),
        fact: None,
    };
    record_in(&mut *tx, app, &order, &rec).await?;
    if !refused.is_empty() {
        crate::orders::effects::raise_alert_in(
            &mut *tx,
            app,
            &order,
            "plan_option_not_enabled",
            &format!(
                "Vehicle {vin} refused to enable plan options: {}",
                serde_json::Value::from(refused.clone())
            ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Revokes one key on the car (MOB-6); an unknown key succeeds on the car.
#[tracing::instrument(skip_all, fields(vehicle = %vehicle_id, key = %key_id))]
pub async fn revoke_app_key(app: &App, vehicle_id: &VehicleId, key_id: &str) -> anyhow::Result<()> {
    let v = {
        let mut tx = app.store.read().await?;
        tx.find_vehicle(vehicle_id).await?
    };
    let Some(v) = v else { return Ok(()) };
    let reply = run(
        app,
        &v.vin,
        &FleetCommand::app_unlink(key_id, stamp(app.clock.now())),
    )
    .await?;
    if reply.status != ReplyStatus::Succeeded {
        anyhow::bail!("app.unlink {}: {:?}", reply.status.as_str(), reply.error);
    }
    let mut tx = app.store.begin().await?;
    tx.append_audit(
        &caas_domain::audit::AuditEntry::new(app.clock.now(), "system", "vehicle.key_revoked")
            .subject(v.id.to_string())
            .details(json!({"key_id": key_id, "vin": v.vin})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
