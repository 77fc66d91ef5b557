//! The in-car display channel: which car shows a customer's notification,
//! the delivery job that publishes its `display.message`
//! (`caas_domain::display::command`, the same command on every retry), and
//! the car's replies, which arrive through the fleet sink whenever the car
//! answers — at once, at the next ignition (`accepted` first), or `expired`
//! after `display_until`. An offline car gets the command from the broker's
//! persistent session when it reconnects. No worker waits for a car.

use crate::error::AppResult;
use crate::App;
use caas_domain::display;
use caas_domain::fleet::{CommandOutcome, FleetReply, ReplyStatus};
use caas_domain::ids::OrderId;
use caas_domain::notification::{Channel, Delivery, DeliveryState, Notification};
use caas_domain::order::OrderState;
use caas_domain::ports::Tx;
use chrono::{DateTime, Utc};
use std::time::Duration;

fn accepted_note(id: &str) -> String {
    format!("{id} accepted by the car: shown at the next ignition")
}

/// The VIN of the car that shows notifications about `order`: only once the
/// car is the customer's and linked to their app (OPERATIONAL).
pub(crate) async fn display_vin_in(
    tx: &mut dyn Tx,
    order: Option<&OrderId>,
) -> AppResult<Option<String>> {
    let Some(order) = order else {
        return Ok(None);
    };
    let Some(o) = tx.find_order(order).await? else {
        return Ok(None);
    };
    let Some(vehicle_id) = o.vehicle_id.filter(|_| o.state == OrderState::Operational) else {
        return Ok(None);
    };
    Ok(tx.find_vehicle(&vehicle_id).await?.map(|v| v.vin))
}

/// Publishes `n`'s display message without waiting; the delivery is left
/// `Sent` until the car's final reply closes it. A failed publication
/// retries the job, which publishes the same command.
pub(crate) async fn send_display(
    app: &App,
    n: &Notification,
    d: &mut Delivery,
) -> anyhow::Result<()> {
    let now = app.clock.now();
    let vin = {
        let mut tx = app.store.read().await?;
        display_vin_in(&mut *tx, n.order_id.as_ref()).await?
    };
    let Some(vin) = vin else {
        d.record(now, DeliveryState::Skipped, "no vehicle linked");
        return Ok(());
    };
    if display::display_until(n) <= now {
        d.record(
            now,
            DeliveryState::Failed,
            "expired before the car could show it",
        );
        return Ok(());
    }
    let Some(fleet) = app.partners.fleet.clone() else {
        d.record(now, DeliveryState::Skipped, "no fleet link configured");
        return Ok(());
    };
    let cmd = display::command(n);
    let id = cmd.command_id().to_owned();
    // Published without waiting: the car's replies reach the delivery
    // through the fleet sink, so no worker is held while the car answers.
    let outcome = fleet
        .send_command(&vin, &cmd, Duration::ZERO)
        .await
        .map_err(|e| anyhow::anyhow!("display: {e}"))?;
    match outcome {
        CommandOutcome::Final(reply) => apply(d, &reply, now),
        CommandOutcome::Accepted => d.record(now, DeliveryState::Sent, accepted_note(&id)),
        CommandOutcome::Unanswered => {
            let online = fleet.presence(&vin).is_some_and(|p| p.status == "online");
            let what = if online {
                format!("{id} published to the car")
            } else {
                format!("{id} queued for the car (offline): shown when it reconnects")
            };
            d.record(now, DeliveryState::Sent, what);
        }
    }
    d.provider_ref = Some(cmd.command_id().to_owned());
    Ok(())
}

/// Applies a reply of the car to a display delivery still open.
fn apply(d: &mut Delivery, reply: &FleetReply, at: DateTime<Utc>) {
    let id = &reply.command_id;
    match reply.status {
        ReplyStatus::Accepted => {}
        ReplyStatus::Succeeded => d.record(
            at,
            DeliveryState::Delivered,
            format!("{id} shown on the car's display"),
        ),
        ReplyStatus::Expired => d.record(
            at,
            DeliveryState::Failed,
            format!("{id} expired before the car could show it"),
        ),
        ReplyStatus::Rejected | ReplyStatus::Failed => {
            let code = reply.error.as_ref().map_or("unknown", |e| e.code.as_str());
            d.record(
                at,
                DeliveryState::Failed,
                format!("{id} refused by the car: {code}"),
            );
        }
    }
}

/// Records a reply to a display command (any reply the fleet sink sees);
/// `false` when the command is not a display message of ours.
#[tracing::instrument(skip_all, fields(command_id = %reply.command_id))]
pub async fn record_display_reply(app: &App, reply: &FleetReply) -> AppResult<bool> {
    let Some(notification) = display::notification_of(&reply.command_id) else {
        return Ok(false);
    };
    let mut tx = app.store.begin().await?;
    let Some(mut d) = tx.find_delivery(&notification, Channel::Display).await? else {
        return Ok(true);
    };
    let told = d.log.iter().any(|l| l.what.contains("accepted by the car"));
    if reply.status == ReplyStatus::Accepted && told {
        return Ok(true);
    }
    if matches!(d.state, DeliveryState::Pending | DeliveryState::Sent) {
        if reply.status == ReplyStatus::Accepted {
            d.record(
                app.clock.now(),
                DeliveryState::Sent,
                accepted_note(&reply.command_id),
            );
        } else {
            apply(&mut d, reply, app.clock.now());
        }
        d.provider_ref = Some(reply.command_id.clone());
        tx.upsert_delivery(&d).await?;
        tx.commit().await?;
    }
    Ok(true)
}
