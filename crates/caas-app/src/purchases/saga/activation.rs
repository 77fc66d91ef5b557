//! ACTIVATING and RETRY_WAIT: the enable command and its confirmation
//! (OTA-4: the car must report the feature enabled with our `valid_until`),
//! the contract's timeout rules ([`next_action`]), retries with backoff
//! (OTA-5), and before giving up a `state.query` that decides (OTA-6: a
//! feature found enabled after all is ACTIVE and charged). Commands to one
//! car go one at a time (OTA-11): a purchase whose command is not yet out
//! waits while another purchase's command to the same car is unanswered.

use super::{apply, save, Next};
use crate::App;
use caas_domain::fleet::{
    CommandStamp, FeatureState, FleetApi, FleetCommand, FleetError, OptionFeature, ReplyStatus,
};
use caas_domain::purchase::attempt::{next_action, AttemptAction, CommandAttempt, CommandKind};
use caas_domain::purchase::flow::{retryable, PurchaseEffect, PurchaseEvent};
use caas_domain::purchase::{Purchase, PurchaseState};
use caas_domain::vehicle::Vehicle;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

/// Wait after a `succeeded` reply for the state report before asking.
const REPORT_GRACE: Duration = Duration::seconds(5);
/// Wait before publishing again when the broker link is down or the car busy.
const LINK_RETRY: Duration = Duration::seconds(5);

fn same_instant(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> bool {
    a.map(|t| t.timestamp()) == b.map(|t| t.timestamp())
}

/// Whether `features` show this purchase's feature on with its `valid_until`.
pub(super) fn ours_on(p: &Purchase, features: &[FeatureState]) -> bool {
    features.iter().any(|f| {
        f.code == p.item.feature_code && f.enabled && same_instant(f.valid_until, p.period.ends_at)
    })
}

/// OTA-4: a state report newer than the purchase's first enable command
/// shows the feature enabled with the purchase's `valid_until`.
fn feature_confirmed(p: &Purchase, v: &Vehicle) -> bool {
    let Some(first) = p.commands.iter().find(|c| c.kind == CommandKind::Enable) else {
        return false;
    };
    let Some(s) = &v.last_state else { return false };
    let newer = match first.seq_at_issue {
        Some(seq) => s.seq > seq,
        None => s.reported_at >= first.issued_at,
    };
    newer && ours_on(p, &s.features)
}

pub(super) fn new_attempt(kind: CommandKind, v: Option<&Vehicle>, app: &App) -> CommandAttempt {
    let now = app.clock.now();
    let c = CommandStamp::fresh(now, app.settings.ota.command_ttl);
    let seq = v.and_then(|v| v.last_state.as_ref()).map(|s| s.seq);
    CommandAttempt::new(
        c.command_id().to_owned(),
        kind,
        c.issued_at(),
        c.expires_at(),
        seq,
    )
}

/// Starts the next try: a new enable command (rule 5: a new id).
pub(super) fn new_enable(p: &mut Purchase, v: Option<&Vehicle>, app: &App) {
    let a = new_attempt(CommandKind::Enable, v, app);
    p.attempts += 1;
    p.retry_at = None;
    p.commands.push(a.clone());
    p.command = Some(a);
}

pub(super) fn new_query(p: &mut Purchase, v: &Vehicle, app: &App) {
    let q = new_attempt(CommandKind::Query, Some(v), app);
    p.commands.push(q.clone());
    p.query = Some(q);
}

/// The purchase's feature as the catalogue maps it on the car (OTA-9: a
/// purchase of anything else is never commanded).
async fn option_feature(app: &App, p: &Purchase, v: &Vehicle) -> anyhow::Result<OptionFeature> {
    let order = {
        let mut tx = app.store.read().await?;
        tx.find_order(&p.order_id).await?
    };
    let plan = order.map(|o| o.plan.option_codes).unwrap_or_default();
    let features = crate::catalogue::car_features(app, &v.platform_code, &plan).await?;
    Ok(features.option(&p.item.feature_code)?)
}

/// The payload of `a` for `p`: always the same for the same attempt.
async fn payload(
    app: &App,
    p: &Purchase,
    v: &Vehicle,
    a: &CommandAttempt,
) -> anyhow::Result<FleetCommand> {
    let stamp = CommandStamp::recorded(&a.command_id, a.issued_at, a.expires_at);
    Ok(match a.kind {
        CommandKind::Enable => FleetCommand::enable(
            &option_feature(app, p, v).await?,
            p.period.ends_at,
            p.item.config.as_ref(),
            stamp,
        ),
        CommandKind::Disable => FleetCommand::disable(&option_feature(app, p, v).await?, stamp),
        CommandKind::Query => FleetCommand::state_query(stamp),
    })
}

pub(super) fn online(v: &Vehicle) -> Option<bool> {
    v.presence.as_ref().map(|pr| pr.status == "online")
}

/// Whether another purchase's command to the same car is out and unanswered.
async fn car_busy(app: &App, p: &Purchase) -> anyhow::Result<bool> {
    let mut tx = app.store.read().await?;
    let others = tx.list_purchases_for_vehicle(&p.vehicle_id).await?;
    let in_flight = |a: &Option<CommandAttempt>| {
        a.as_ref()
            .is_some_and(|c| c.publishes > 0 && c.final_status.is_none())
    };
    Ok(others.iter().any(|o| {
        o.id != p.id
            && o.state == PurchaseState::Activating
            && o.created_at <= p.created_at
            && (in_flight(&o.command) || in_flight(&o.query))
    }))
}

/// Publishes the attempt in `slot` (the command or the query) once.
pub(super) async fn publish(
    app: &App,
    mut p: Purchase,
    v: &Vehicle,
    query: bool,
) -> anyhow::Result<Next> {
    let fleet: Arc<dyn FleetApi> = app
        .partners
        .fleet
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no fleet link configured"))?;
    let before = p.state;
    let Some(a) = (if query {
        p.query.clone()
    } else {
        p.command.clone()
    }) else {
        return Ok(Next::Continue);
    };
    if a.publishes == 0 && !query && car_busy(app, &p).await? {
        return Ok(Next::WakeAt(app.clock.now() + LINK_RETRY * 6));
    }
    match fleet
        .send_command(
            &p.vin,
            &payload(app, &p, v, &a).await?,
            std::time::Duration::ZERO,
        )
        .await
    {
        Ok(_) => {}
        Err(FleetError::NotConnected) => return Ok(Next::WakeAt(app.clock.now() + LINK_RETRY)),
        Err(e) => return Err(e.into()),
    }
    let now = app.clock.now();
    let slot = if query { &mut p.query } else { &mut p.command };
    if let Some(a) = slot.as_mut() {
        a.mark_published(now);
    }
    save(app, &mut p, before).await?;
    Ok(Next::Continue)
}

/// Records how an attempt ended and moves the machine (retry or confirm).
fn attempt_failed(p: &mut Purchase, v: &Vehicle, app: &App, may_retry: bool, note: &str) {
    let now = app.clock.now();
    let event = PurchaseEvent::AttemptFailed {
        retryable: may_retry,
        retries_left: p.attempts < p.max_attempts,
    };
    let Some(effects) = apply(p, event, note, now) else {
        return;
    };
    p.command = None;
    for e in effects {
        match e {
            PurchaseEffect::ScheduleRetry => {
                let delay = app.settings.ota.backoff.delay(p.attempts as i32, 0.5);
                p.retry_at = Some(now + delay);
            }
            PurchaseEffect::ConfirmByQuery => {
                p.confirming_failure = true;
                new_query(p, v, app);
            }
            _ => {}
        }
    }
}

/// One step of an ACTIVATING or RETRY_WAIT purchase.
pub(super) async fn step(app: &App, mut p: Purchase, v: &Vehicle) -> anyhow::Result<Next> {
    let before = p.state;
    let now = app.clock.now();
    let timing = app.settings.ota.timing;
    if feature_confirmed(&p, v) {
        p.activated_at = Some(now);
        apply(
            &mut p,
            PurchaseEvent::FeatureEnabled,
            "feature_enabled",
            now,
        );
        p.command = None;
        p.query = None;
        save(app, &mut p, before).await?;
        return Ok(Next::Continue);
    }
    if p.state == PurchaseState::RetryWait {
        let due = p.retry_at.unwrap_or(now);
        if now < due {
            return Ok(Next::WakeAt(due));
        }
        apply(&mut p, PurchaseEvent::BackoffElapsed, "retry", now);
        new_enable(&mut p, Some(v), app);
        save(app, &mut p, before).await?;
        return Ok(Next::Continue);
    }
    if let Some(q) = p.query.clone() {
        return match next_action(&q, online(v), now, &timing) {
            AttemptAction::Finished(ReplyStatus::Succeeded) => {
                let on = q.result_features.as_deref().is_some_and(|f| ours_on(&p, f));
                p.query = None;
                if on {
                    p.activated_at = Some(now);
                    p.command = None;
                    apply(
                        &mut p,
                        PurchaseEvent::FeatureEnabled,
                        "enabled_per_query",
                        now,
                    );
                } else if p.confirming_failure {
                    p.command = None;
                    apply(
                        &mut p,
                        PurchaseEvent::FeatureConfirmedOff,
                        "disabled_per_query",
                        now,
                    );
                } else {
                    attempt_failed(&mut p, v, app, true, "not_enabled_per_query");
                }
                save(app, &mut p, before).await?;
                Ok(Next::Continue)
            }
            AttemptAction::Finished(_) => {
                new_query(&mut p, v, app);
                save(app, &mut p, before).await?;
                Ok(Next::Continue)
            }
            AttemptAction::Publish | AttemptAction::QueryState => {
                if now >= q.expires_at {
                    new_query(&mut p, v, app);
                    save(app, &mut p, before).await?;
                    return Ok(Next::Continue);
                }
                publish(app, p, v, true).await
            }
            AttemptAction::WaitUntil(at) => Ok(Next::WakeAt(at)),
        };
    }
    let Some(c) = p.command.clone() else {
        new_enable(&mut p, Some(v), app);
        save(app, &mut p, before).await?;
        return Ok(Next::Continue);
    };
    match next_action(&c, online(v), now, &timing) {
        AttemptAction::Finished(ReplyStatus::Succeeded) => {
            let ask_at = c.final_at.unwrap_or(now) + REPORT_GRACE;
            if now < ask_at {
                return Ok(Next::WakeAt(ask_at));
            }
            new_query(&mut p, v, app);
            save(app, &mut p, before).await?;
            Ok(Next::Continue)
        }
        AttemptAction::Finished(status) => {
            let code = c.error_code.as_deref();
            attempt_failed(
                &mut p,
                v,
                app,
                retryable(status, code),
                code.unwrap_or(status.as_str()),
            );
            save(app, &mut p, before).await?;
            Ok(Next::Continue)
        }
        AttemptAction::Publish => publish(app, p, v, false).await,
        AttemptAction::QueryState => {
            new_query(&mut p, v, app);
            save(app, &mut p, before).await?;
            Ok(Next::Continue)
        }
        AttemptAction::WaitUntil(at) => Ok(Next::WakeAt(at)),
    }
}
