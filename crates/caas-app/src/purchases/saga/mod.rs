//! The purchase saga (SPEC §4.2) as one durable job kind,
//! `AdvancePurchase`: each run reads the purchase and its car, does the one
//! thing its state calls for (checks, authorise, publish or query, capture,
//! void), writes the result under the purchase's version, and schedules
//! itself for its next deadline. Replies, state reports and presence wake
//! it early (`replies`). No run waits for the car, so an offline car holds
//! no worker; every gateway call repeats under the same idempotency key and
//! every republication carries the same command, so a crash at any point
//! is safe.

mod activation;
mod checks;
mod deactivation;
mod money;

use crate::jobs::AppJob;
use crate::settings::AppSettings;
use crate::App;
use caas_domain::audit::AuditEntry;
use caas_domain::ids::PurchaseId;
use caas_domain::job::NewJob;
use caas_domain::purchase::flow::{next, PurchaseEffect, PurchaseEvent};
use caas_domain::purchase::{Purchase, PurchaseState, ServicePaymentState};
use chrono::{DateTime, Utc};

/// Steps one run may take before it yields to other jobs.
const MAX_STEPS: usize = 8;

/// The saga job of `id`, due at `run_at` (merges with a waiting copy; the
/// earlier due time wins).
pub fn advance_job(
    id: &PurchaseId,
    run_at: DateTime<Utc>,
    s: &AppSettings,
) -> anyhow::Result<NewJob> {
    AppJob::AdvancePurchase {
        purchase_id: id.clone(),
    }
    .to_new_job(run_at, s)
}

/// What a step leaves to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// Read again and take the next step now.
    Continue,
    /// Nothing before this time (or an earlier wake-up).
    WakeAt(DateTime<Utc>),
    /// Nothing until something happens (final, or waiting for a webhook).
    Idle,
}

/// The job body: steps until the purchase waits for something.
#[tracing::instrument(skip_all, fields(purchase = %id))]
pub async fn advance_purchase(app: &App, id: &PurchaseId) -> anyhow::Result<()> {
    for _ in 0..MAX_STEPS {
        let (p, vehicle) = {
            let mut tx = app.store.read().await?;
            let Some(p) = tx.find_purchase(id).await? else {
                return Ok(());
            };
            let v = tx.find_vehicle(&p.vehicle_id).await?;
            (p, v)
        };
        let Some(vehicle) = vehicle else {
            anyhow::bail!("purchase {id} names a missing vehicle");
        };
        let step = match p.state {
            PurchaseState::Requested => checks::run_checks(app, p, &vehicle).await?,
            PurchaseState::Authorizing => money::authorize(app, p).await?,
            PurchaseState::Activating | PurchaseState::RetryWait => {
                activation::step(app, p, &vehicle).await?
            }
            PurchaseState::Active if p.payment.state == ServicePaymentState::Authorized => {
                money::capture(app, p).await?
            }
            PurchaseState::Active => deactivation::period_end(app, p).await?,
            PurchaseState::Deactivating => deactivation::step(app, p, &vehicle).await?,
            PurchaseState::FailedNotCharged => money::void(app, p).await?,
            _ => Next::Idle,
        };
        match step {
            Next::Continue => continue,
            Next::WakeAt(at) => return schedule(app, id, at).await,
            Next::Idle => return Ok(()),
        }
    }
    schedule(app, id, app.clock.now()).await
}

/// Gateway news about a purchase's intent: wakes its saga (applied), or
/// is ignored when no such purchase exists.
pub async fn wake_on_gateway_news(
    app: &App,
    purchase: &str,
) -> anyhow::Result<caas_domain::records::InboundState> {
    use caas_domain::records::InboundState;
    let Ok(id) = PurchaseId::parse(purchase) else {
        return Ok(InboundState::Ignored);
    };
    let known = {
        let mut tx = app.store.read().await?;
        tx.find_purchase(&id).await?.is_some()
    };
    if !known {
        return Ok(InboundState::Ignored);
    }
    schedule(app, &id, app.clock.now()).await?;
    Ok(InboundState::Applied)
}

async fn schedule(app: &App, id: &PurchaseId, at: DateTime<Utc>) -> anyhow::Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    tx.enqueue_job(&advance_job(id, at.max(now), &app.settings)?, now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Applies `event` to `p` (state, history); the machine's effects, or
/// `None` when the event does not apply in this state.
pub(crate) fn apply(
    p: &mut Purchase,
    event: PurchaseEvent,
    note: &str,
    now: DateTime<Utc>,
) -> Option<Vec<PurchaseEffect>> {
    let t = next(p.state, event)?;
    p.enter(t.to, note, now);
    Some(t.effects)
}

/// Writes `p` over the version it was read at, with an audit entry when its
/// state changed from `before`; wakes the car's other waiting purchases
/// when this one stops occupying the car. `false`: someone else wrote it
/// first (nothing written; read again).
pub(crate) async fn save(
    app: &App,
    p: &mut Purchase,
    before: PurchaseState,
) -> anyhow::Result<bool> {
    let now = app.clock.now();
    p.version += 1;
    p.updated_at = now;
    let mut tx = app.store.begin().await?;
    if !tx.update_purchase(p).await? {
        return Ok(false);
    }
    if p.state != before {
        tx.append_audit(
            &AuditEntry::new(now, "system", "purchase.state_changed")
                .subject(p.id.to_string())
                .details(serde_json::json!({
                    "from": before.as_str(), "to": p.state.as_str(),
                    "note": p.history.last().map(|h| h.note.as_str()),
                    "attempts": p.attempts, "intent": p.payment.intent_id,
                })),
        )
        .await?;
        if let Some(notice) = caas_domain::purchase::flow::notice_on_entry(before, p.state) {
            crate::purchases::notices::notice_in(&mut *tx, app, p, notice).await?;
        }
        if before == PurchaseState::Activating {
            for other in tx.list_purchases_for_vehicle(&p.vehicle_id).await? {
                if other.id != p.id && other.state == PurchaseState::Activating {
                    tx.enqueue_job(&advance_job(&other.id, now, &app.settings)?, now)
                        .await?;
                }
            }
        }
    }
    tx.commit().await?;
    Ok(true)
}
