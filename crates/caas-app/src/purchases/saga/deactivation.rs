//! The end of a time-limited period (SVC-10, OTA-8, SPEC §4.2 ACTIVE →
//! DEACTIVATING → EXPIRED). The car switches the feature off by itself at
//! `valid_until`, so at the end the purchase waits for the car's report;
//! when a later purchase of the same option continues it (an extension),
//! it simply ends. Only if the car still reports the feature on a grace
//! period after the end is `feature.disable` sent, with the same rules and
//! retries as an activation; a final failure is escalated and never billed.
//! Lifetime purchases never end (SVC-11). Before the end the purchase
//! wakes once for its reminder (`purchases::reminder`).

use super::activation::{new_attempt, new_query, online, publish};
use super::{apply, save, Next};
use crate::App;
use caas_domain::fleet::ReplyStatus;
use caas_domain::purchase::attempt::{next_action, AttemptAction, CommandKind};
use caas_domain::purchase::flow::{retryable, PurchaseEvent};
use caas_domain::purchase::reminder::{reminded, reminder_step, ReminderStep};
use caas_domain::purchase::Purchase;
use caas_domain::vehicle::Vehicle;
use chrono::Duration;

/// How long after the end the car may take to report its self-expiry.
const GRACE: Duration = Duration::minutes(2);

/// ACTIVE (paid): the reminder before the end when it has one, nothing
/// else until the period's end, then DEACTIVATING.
pub(super) async fn period_end(app: &App, mut p: Purchase) -> anyhow::Result<Next> {
    let Some(end) = p.period.ends_at else {
        return Ok(Next::Idle);
    };
    let now = app.clock.now();
    if now < end {
        let window = app.settings.ota.expiry_reminder;
        return match reminder_step(&p.period, window, reminded(&p.history), now) {
            ReminderStep::DueAt(at) => Ok(Next::WakeAt(at)),
            ReminderStep::Due => crate::purchases::reminder::remind(app, p).await,
            ReminderStep::Nothing => Ok(Next::WakeAt(end)),
        };
    }
    let before = p.state;
    apply(&mut p, PurchaseEvent::PeriodEnded, "period_ended", now);
    save(app, &mut p, before).await?;
    Ok(Next::Continue)
}

fn feature_on(p: &Purchase, v: &Vehicle) -> bool {
    v.last_state.as_ref().is_some_and(|s| {
        s.features
            .iter()
            .any(|f| f.code == p.item.feature_code && f.enabled)
    })
}

async fn continued(app: &App, p: &Purchase) -> anyhow::Result<bool> {
    let now = app.clock.now();
    let mut tx = app.store.read().await?;
    Ok(tx
        .list_purchases_for_vehicle(&p.vehicle_id)
        .await?
        .iter()
        .any(|o| o.id != p.id && o.item.option_code == p.item.option_code && o.covers(now)))
}

async fn end(app: &App, mut p: Purchase, event: PurchaseEvent, note: &str) -> anyhow::Result<Next> {
    let before = p.state;
    p.command = None;
    p.query = None;
    apply(&mut p, event, note, app.clock.now());
    save(app, &mut p, before).await?;
    Ok(Next::Continue)
}

fn disable_tries(p: &Purchase) -> u32 {
    p.commands
        .iter()
        .filter(|c| c.kind == CommandKind::Disable)
        .count() as u32
}

/// One step of a DEACTIVATING purchase.
pub(super) async fn step(app: &App, mut p: Purchase, v: &Vehicle) -> anyhow::Result<Next> {
    let off = PurchaseEvent::FeatureDisabled { withdrawal: false };
    if continued(app, &p).await? {
        return end(app, p, off, "continued_by_extension").await;
    }
    if !feature_on(&p, v) {
        return end(app, p, off, "disabled_on_the_car").await;
    }
    let before = p.state;
    let now = app.clock.now();
    let timing = app.settings.ota.timing;
    if let Some(q) = p.query.clone() {
        return match next_action(&q, online(v), now, &timing) {
            AttemptAction::Finished(ReplyStatus::Succeeded) => {
                let still_on = q
                    .result_features
                    .as_deref()
                    .is_none_or(|f| f.iter().any(|x| x.code == p.item.feature_code && x.enabled));
                if !still_on {
                    return end(app, p, off, "disabled_per_query").await;
                }
                p.query = None;
                p.command = None;
                save(app, &mut p, before).await?;
                Ok(Next::Continue)
            }
            AttemptAction::Finished(_) => {
                new_query(&mut p, v, app);
                save(app, &mut p, before).await?;
                Ok(Next::Continue)
            }
            AttemptAction::Publish | AttemptAction::QueryState => publish(app, p, v, true).await,
            AttemptAction::WaitUntil(at) => Ok(Next::WakeAt(at)),
        };
    }
    let grace_end = p.period.ends_at.unwrap_or(now) + GRACE;
    if now < grace_end {
        return Ok(Next::WakeAt(grace_end));
    }
    if let Some(at) = p.retry_at.filter(|at| now < *at) {
        return Ok(Next::WakeAt(at));
    }
    let Some(c) = p.command.clone() else {
        if disable_tries(&p) >= p.max_attempts {
            let exhausted = PurchaseEvent::DeactivationExhausted { withdrawal: false };
            return end(app, p, exhausted, "deactivation_exhausted").await;
        }
        let a = new_attempt(CommandKind::Disable, Some(v), app);
        p.commands.push(a.clone());
        p.command = Some(a);
        p.retry_at = None;
        save(app, &mut p, before).await?;
        return Ok(Next::Continue);
    };
    match next_action(&c, online(v), now, &timing) {
        AttemptAction::Finished(ReplyStatus::Succeeded) | AttemptAction::QueryState => {
            new_query(&mut p, v, app);
            save(app, &mut p, before).await?;
            Ok(Next::Continue)
        }
        AttemptAction::Finished(status) => {
            p.command = None;
            let tries = disable_tries(&p);
            if !retryable(status, c.error_code.as_deref()) || tries >= p.max_attempts {
                let exhausted = PurchaseEvent::DeactivationExhausted { withdrawal: false };
                return end(app, p, exhausted, "deactivation_exhausted").await;
            }
            p.retry_at = Some(now + app.settings.ota.backoff.delay(tries as i32, 0.5));
            save(app, &mut p, before).await?;
            Ok(Next::Continue)
        }
        AttemptAction::Publish => publish(app, p, v, false).await,
        AttemptAction::WaitUntil(at) => Ok(Next::WakeAt(at)),
    }
}
