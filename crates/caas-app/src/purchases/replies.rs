//! What the car says, for the purchase saga: a reply is recorded on the
//! purchase whose current command (or query) it answers — a late
//! `accepted` never overrides a final status and duplicates change nothing
//! — and the saga is woken; state reports and presence wake the car's
//! purchases that wait for it. Called by the fleet sink inside the write
//! that makes the message durable, before the broker gets its ack.

use super::saga::advance_job;
use crate::error::AppResult;
use crate::App;
use caas_domain::fleet::{FleetReply, ReplyStatus, StateReport};
use caas_domain::ids::VehicleId;
use caas_domain::ports::Tx;
use caas_domain::purchase::PurchaseState;

/// Records `reply` from `vin` on its purchase; `false` when no purchase
/// waits for that command (another flow's, or an old one).
pub async fn record_purchase_reply(app: &App, vin: &str, reply: &FleetReply) -> AppResult<bool> {
    // The saga writes the purchase too: a write that finds it changed reads
    // it again rather than losing the reply (the broker would not redeliver
    // an unacknowledged message before a reconnect).
    for _ in 0..WRITE_ATTEMPTS {
        if let Some(recorded) = record_once(app, vin, reply).await? {
            return Ok(recorded);
        }
    }
    Err(crate::error::AppError::Conflict(
        "purchase kept changing while recording a reply"
            .to_owned()
            .into(),
    ))
}

/// Tries of a reply write that keeps meeting the saga's writes.
const WRITE_ATTEMPTS: usize = 5;

/// One try; `None` when the purchase changed between the read and the write.
async fn record_once(app: &App, vin: &str, reply: &FleetReply) -> AppResult<Option<bool>> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(mut p) = tx.find_purchase_by_command(&reply.command_id).await? else {
        return Ok(Some(false));
    };
    if p.vin != vin {
        tracing::warn!(vin, purchase = %p.id, "reply from another car's topic ignored");
        return Ok(Some(false));
    }
    let code = reply.error.as_ref().map(|e| e.code.clone());
    let is_query = p
        .query
        .as_ref()
        .is_some_and(|q| q.command_id == reply.command_id);
    let features = if is_query && reply.status == ReplyStatus::Succeeded {
        reply
            .result
            .clone()
            .and_then(|r| serde_json::from_value::<StateReport>(r).ok())
            .map(|s| s.features)
    } else {
        None
    };
    let slot = if is_query {
        &mut p.query
    } else {
        &mut p.command
    };
    let Some(a) = slot.as_mut() else {
        return Ok(Some(false));
    };
    if !a.record_reply(reply.status, code, now) {
        return Ok(Some(true));
    }
    if a.final_status.is_some() {
        a.result_features = features;
    }
    let snapshot = a.clone();
    if let Some(logged) = p
        .commands
        .iter_mut()
        .rev()
        .find(|c| c.command_id == snapshot.command_id)
    {
        *logged = snapshot;
    }
    p.version += 1;
    p.updated_at = now;
    if !tx.update_purchase(&p).await? {
        return Ok(None);
    }
    tx.enqueue_job(&advance_job(&p.id, now, &app.settings)?, now)
        .await?;
    tx.commit().await?;
    Ok(Some(true))
}

/// Wakes the purchases of `vehicle` that wait for the car (a report or a
/// reconnection may confirm, refute or unblock them).
pub async fn wake_car_purchases_in(
    tx: &mut dyn Tx,
    app: &App,
    vehicle: &VehicleId,
) -> AppResult<()> {
    let now = app.clock.now();
    for p in tx.list_purchases_for_vehicle(vehicle).await? {
        if matches!(
            p.state,
            PurchaseState::Activating | PurchaseState::RetryWait | PurchaseState::Deactivating
        ) {
            tx.enqueue_job(&advance_job(&p.id, now, &app.settings)?, now)
                .await?;
        }
    }
    Ok(())
}
