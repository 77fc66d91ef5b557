//! Phone-as-key (DLV-9/10, MOB-3): the customer's app creates a P-256 key
//! pair and sends the public key; the platform records it and installs it
//! with `app.link`. The command is written before it is published and
//! republished unchanged until a final reply, so a crash or a lost reply
//! never installs the key twice. Success makes the vehicle OPERATIONAL; a
//! failure never undoes the handover and the app can retry.

use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::jobs::AppJob;
use crate::notify::texts::Detail;
use crate::orders::effects::{enqueue, EventRecord};
use crate::App;
use caas_domain::account::{Account, Role};
use caas_domain::audit::AuditEntry;
use caas_domain::fleet::{CommandOutcome, ReplyStatus};
use caas_domain::ids::{AppKeyId, OrderId};
use caas_domain::job::Job;
use caas_domain::order::{Order, OrderState};
use caas_domain::order_flow::DeliveryEvent;
use caas_domain::vehicle::InstalledKey;
use serde_json::json;

/// DER prefix of a P-256 SubjectPublicKeyInfo with an uncompressed point.
const P256_SPKI_PREFIX: [u8; 27] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
];

/// Checks a standard-base64 DER SPKI of an EC P-256 public key.
pub fn check_public_key(b64: &str) -> AppResult<String> {
    use base64::Engine as _;
    let b64 = b64.trim();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| AppError::Invalid {
            field: "public_key".into(),
            message: "must be standard base64".into(),
        })?;
    if der.len() != 91 || der[..27] != P256_SPKI_PREFIX {
        return Err(AppError::Invalid {
            field: "public_key".into(),
            message: "must be the DER SubjectPublicKeyInfo of an EC P-256 key".into(),
        });
    }
    Ok(b64.to_owned())
}

/// The customer links their app to the delivered vehicle. The car's own
/// reports update the vehicle at any moment, so a write that finds the
/// order or the vehicle changed since it read them is simply retried on
/// fresh data (a few times) rather than shown to the customer.
#[tracing::instrument(skip_all, fields(order = %id, customer = %customer.id))]
pub async fn start_app_link(
    app: &App,
    ctx: &RequestContext,
    customer: &Account,
    id: &OrderId,
    public_key: &str,
    label: &str,
) -> AppResult<Order> {
    for _ in 0..LINK_ATTEMPTS {
        if let Some(order) = start_app_link_once(app, ctx, customer, id, public_key, label).await? {
            return Ok(order);
        }
    }
    Err(AppError::Conflict(crate::refusal::Refusal::new(
        "vehicle_busy",
        "El vehículo se está actualizando; vuelve a intentarlo en un momento.",
        "The vehicle is busy updating; try again in a moment.",
    )))
}

/// Attempts of a link request against concurrent updates of the vehicle.
const LINK_ATTEMPTS: usize = 5;

/// One attempt of [`start_app_link`]; `None` when the order or the vehicle
/// changed between the read and the write (nothing was written).
async fn start_app_link_once(
    app: &App,
    ctx: &RequestContext,
    customer: &Account,
    id: &OrderId,
    public_key: &str,
    label: &str,
) -> AppResult<Option<Order>> {
    if customer.role != Role::Customer {
        return Err(AppError::Forbidden);
    }
    let public_key = check_public_key(public_key)?;
    let label: String = label.trim().chars().take(40).collect();
    let label = if label.is_empty() {
        "Phone".to_owned()
    } else {
        label
    };
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let mut order = tx
        .find_order_for_customer(&customer.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if order.state != OrderState::Delivered {
        return Err(AppError::Conflict(match order.state {
            OrderState::Operational => crate::refusal::Refusal::new(
                "already_linked",
                "Este vehículo ya está vinculado a tu app.",
                "This vehicle is already linked to your app.",
            ),
            _ => crate::refusal::Refusal::new(
                "not_handed_over",
                "Podrás vincular el vehículo cuando te lo hayan entregado.",
                "The vehicle can be linked once it is handed over to you.",
            ),
        }));
    }
    if order.app_link.pending_command.is_some() {
        enqueue(
            &mut *tx,
            app,
            AppJob::InstallAppKey {
                order_id: order.id.clone(),
            },
        )
        .await?;
        tx.commit().await?;
        app.wake_jobs();
        return Ok(Some(order));
    }
    let vid = order.vehicle_id.clone().ok_or(AppError::NotFound)?;
    let mut v = tx.find_vehicle(&vid).await?.ok_or(AppError::NotFound)?;
    let key_id = AppKeyId::new().to_string();
    let cmd = caas_domain::fleet::FleetCommand::app_link(
        &key_id,
        &public_key,
        &label,
        crate::delivery::fleet_jobs::stamp(now),
    );
    order.app_link.key_id = Some(key_id.clone());
    order.app_link.public_key = Some(public_key.clone());
    order.app_link.label = Some(label.clone());
    order.app_link.pending_command = Some(cmd);
    order.app_link.last_error = None;
    order.version += 1;
    order.updated_at = now;
    if !tx.update_order(&order).await? {
        return Ok(None);
    }
    v.keys.push(InstalledKey {
        key_id: key_id.clone(),
        label: label.clone(),
        customer_id: customer.id.clone(),
        public_key,
        installed_at: None,
        revoked_at: None,
    });
    v.version += 1;
    v.updated_at = now;
    if !tx.update_vehicle(&v).await? {
        return Ok(None);
    }
    tx.append_audit(
        &AuditEntry::new(now, customer.id.as_str(), "vehicle.link_requested")
            .subject(order.id.to_string())
            .details(json!({"key_id": key_id, "label": label, "vin": v.vin}))
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    enqueue(
        &mut *tx,
        app,
        AppJob::InstallAppKey {
            order_id: order.id.clone(),
        },
    )
    .await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(Some(order))
}

/// Runs the `install_app_key` job.
#[tracing::instrument(skip_all, fields(order = %order_id, attempt = job.attempts))]
pub async fn install_app_key(app: &App, job: &Job, order_id: &OrderId) -> anyhow::Result<()> {
    let order = {
        let mut tx = app.store.read().await?;
        tx.find_order(order_id).await?
    };
    let Some(order) = order else { return Ok(()) };
    let (Some(cmd), Some(vin)) = (
        order.app_link.pending_command.clone(),
        order.factory.vin.clone(),
    ) else {
        return Ok(());
    };
    if order.state != OrderState::Delivered {
        return Ok(());
    }
    let Some(fleet) = app.partners.fleet.clone() else {
        anyhow::bail!("no fleet link configured");
    };
    let outcome = fleet
        .send_command(&vin, &cmd, app.settings.fleet_command_wait)
        .await?;
    let last = job.attempts >= job.max_attempts;
    // `final_reply`: the car answered for good, so the command is done;
    // otherwise it stays pending and a retry republishes it unchanged.
    let (event, error, final_reply) = match outcome {
        CommandOutcome::Final(r) if r.status == ReplyStatus::Succeeded => {
            (DeliveryEvent::AppLinked, None, true)
        }
        CommandOutcome::Final(r) => (
            DeliveryEvent::AppLinkFailed,
            Some(format!(
                "{}: {}",
                r.status.as_str(),
                r.error
                    .map(|e| format!("{} {}", e.code, e.message))
                    .unwrap_or_default()
            )),
            true,
        ),
        CommandOutcome::Accepted | CommandOutcome::Unanswered if !last => {
            anyhow::bail!("vehicle {vin} has not confirmed app.link yet")
        }
        CommandOutcome::Accepted | CommandOutcome::Unanswered => (
            DeliveryEvent::AppLinkFailed,
            Some("the vehicle did not confirm in time; retry from the app".into()),
            false,
        ),
    };
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    if order
        .app_link
        .pending_command
        .as_ref()
        .map(|c| c.command_id())
        != Some(cmd.command_id())
    {
        return Ok(());
    }
    let key_id = order.app_link.key_id.clone().unwrap_or_default();
    order.app_link.attempts += 1;
    if final_reply {
        order.app_link.pending_command = None;
    }
    if let Some(vid) = order.vehicle_id.clone() {
        if let Some(mut v) = tx.find_vehicle(&vid).await? {
            if let Some(k) = v.keys.iter_mut().find(|k| k.key_id == key_id) {
                match (&event, final_reply) {
                    (DeliveryEvent::AppLinked, _) => k.installed_at = Some(now),
                    (_, true) => k.revoked_at = Some(now),
                    _ => {}
                }
            }
            v.version += 1;
            v.updated_at = now;
            tx.update_vehicle(&v).await?;
        }
    }
    let rec = if event == DeliveryEvent::AppLinked {
        order.app_link.linked_at = Some(now);
        EventRecord {
            kind: caas_domain::timeline::TimelineKind::AppLinked,
            at: now,
            data: json!({"key_id": key_id, "command_id": cmd.command_id()}),
            dedupe_key: format!("app-linked:{}", order.id),
            detail: Some(Detail::text(
                (
                    "Tu vehículo está operativo",
                    "Tu app está vinculada al vehículo. Ya puedes comprar y activar servicios."
                        .into(),
                ),
                (
                    "Your vehicle is operational",
                    "Your app is linked to the vehicle. You can now buy and activate services."
                        .into(),
                ),
            )),
            alert_message: String::new(),
            fact: None,
        }
    } else {
        order.app_link.last_error = error.clone();
        EventRecord {
            kind: caas_domain::timeline::TimelineKind::AppLinkFailed,
            at: now,
            data: json!({"key_id": key_id, "command_id": cmd.command_id(), "error": error}),
            dedupe_key: format!("app-link-failed:{}", cmd.command_id()),
            detail: None,
            alert_message: String::new(),
            fact: None,
        }
    };
    crate::delivery::system_event_in(&mut *tx, app, &mut order, event, &rec).await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(())
}
