//! What a purchase tells on entering a state (the machine's `Notify`
//! effects, `flow::notice_on_entry`): a timeline entry in the expediente
//! (EXP-2 service history) and the NOTIF matrix row — "activation in
//! progress", "service activated", "activation failed — not charged",
//! "option refused for maintenance" — each keyed by purchase and row so it
//! is told once; a failed activation also escalates to support (OTA-6,
//! NOTIF-8). Written in the transaction that changes the purchase.

use crate::error::AppResult;
use crate::notify::{notify_in, texts::Detail};
use crate::orders::effects::{raise_alert_in, record_in, EventRecord};
use crate::App;
use caas_domain::notification::NotificationKind;
use caas_domain::ports::Tx;
use caas_domain::purchase::flow::PurchaseNotice;
use caas_domain::purchase::Purchase;
use caas_domain::timeline::TimelineKind;
use serde_json::json;

fn until(p: &Purchase) -> (String, String) {
    match p.period.ends_at {
        Some(end) => (
            format!("hasta el {}", end.format("%d/%m/%Y %H:%M UTC")),
            format!("until {}", end.format("%-d %B %Y %H:%M UTC")),
        ),
        None => ("de por vida".into(), "for the life of the vehicle".into()),
    }
}

/// Records `notice` of `p` inside `tx`.
pub(crate) async fn notice_in(
    tx: &mut dyn Tx,
    app: &App,
    p: &Purchase,
    notice: PurchaseNotice,
) -> AppResult<()> {
    let Some(order) = tx.find_order(&p.order_id).await? else {
        return Ok(());
    };
    let (es, en) = (&p.item.option_name.es, &p.item.option_name.en);
    let (until_es, until_en) = until(p);
    let price = p.item.price;
    let maintenance = p
        .reason
        .as_deref()
        .is_some_and(|r| r.starts_with("maintenance"));
    let (kind, row, detail) = match notice {
        PurchaseNotice::Activating => (
            TimelineKind::PurchaseActivating,
            Some(NotificationKind::ActivationInProgress),
            Detail::text(
                (&format!("Activando {es}"), format!("Estamos activando {es} en tu vehículo. Te avisaremos en cuanto el coche lo confirme.")),
                (&format!("Switching on {en}"), format!("We are switching on {en} on your vehicle. We will tell you as soon as the car confirms.")),
            ),
        ),
        PurchaseNotice::Activated => (
            TimelineKind::PurchaseActivated,
            Some(NotificationKind::ServiceActivated),
            Detail::text(
                (&format!("{es} activada"), format!("{es} está activa {until_es}. Se han cobrado {price}.")),
                (&format!("{en} switched on"), format!("{en} is active {until_en}. {price} was charged.")),
            ),
        ),
        PurchaseNotice::FailedNotCharged => (
            TimelineKind::PurchaseFailed,
            Some(NotificationKind::ActivationFailed),
            Detail::text(
                (&format!("{es} no se pudo activar"), format!("No hemos podido activar {es} en tu vehículo. No se te ha cobrado nada: la autorización de la tarjeta se ha anulado. Nuestro equipo de soporte lo está revisando.")),
                (&format!("{en} could not be switched on"), format!("We could not switch on {en} on your vehicle. You have not been charged: the card authorisation was cancelled. Our support team is looking into it.")),
            ),
        ),
        PurchaseNotice::PaymentDeclined => (
            TimelineKind::PurchaseDeclined,
            None,
            Detail::text(
                (&format!("Pago de {es} rechazado"), "El banco rechazó la tarjeta; no se ha cobrado nada ni se ha enviado nada al vehículo.".to_owned()),
                (&format!("Payment for {en} declined"), "The bank declined the card; nothing was charged or sent to the vehicle.".to_owned()),
            ),
        ),
        PurchaseNotice::Refused => (
            TimelineKind::PurchaseRejected,
            maintenance.then_some(NotificationKind::OptionRefused),
            Detail::text(
                (&format!("Compra de {es} rechazada"), format!("No se ha podido comprar {es} ({}). No se ha cobrado nada.", p.reason.clone().unwrap_or_default())),
                (&format!("Purchase of {en} refused"), format!("{en} could not be bought ({}). Nothing was charged.", p.reason.clone().unwrap_or_default())),
            ),
        ),
        PurchaseNotice::Expired => (
            TimelineKind::PurchaseExpired,
            Some(NotificationKind::ServiceExpired),
            Detail::text(
                (&format!("{es} ha finalizado"), format!("El periodo de {es} ha terminado y la opción se ha desactivado. Puedes volver a comprarla cuando quieras.")),
                (&format!("{en} has ended"), format!("The period of {en} is over and the option was switched off. You can buy it again at any time.")),
            ),
        ),
        PurchaseNotice::Withdrawn | PurchaseNotice::Cancelled => return Ok(()),
    };
    let rec = EventRecord {
        kind: kind.clone(),
        at: app.clock.now(),
        data: json!({"purchase": p.id, "option": p.item.option_code, "state": p.state.as_str(),
            "reason": p.reason, "attempts": p.attempts, "intent": p.payment.intent_id}),
        dedupe_key: format!("purchase:{}:{}", p.id, kind.key()),
        detail: Some(detail.clone()),
        alert_message: String::new(),
        fact: None,
    };
    record_in(tx, app, &order, &rec).await?;
    if let Some(row) = row {
        if let Some(customer) = tx.find_account(&p.customer_id).await? {
            let key = format!("purchase:{}:{}", p.id, row.as_str());
            notify_in(tx, app, &customer, Some(&order.id), row, &key, &detail).await?;
        }
    }
    let exhausted = p
        .history
        .last()
        .is_some_and(|h| h.note == "deactivation_exhausted");
    if notice == PurchaseNotice::Expired && exhausted {
        let message = format!(
            "{} on {} could not be switched off after its period (purchase {}); nothing more is billed.",
            p.item.option_code, p.vin, p.id
        );
        raise_alert_in(tx, app, &order, "ota_deactivation_failed", &message).await?;
        crate::support::open_case_in(
            tx,
            app,
            p,
            caas_domain::support::SupportCaseKind::DeactivationFailed,
            &message,
        )
        .await?;
    }
    if notice == PurchaseNotice::FailedNotCharged {
        let last = p.commands.iter().rev().find_map(|c| c.error_code.clone());
        let message = format!(
            "Activation of {} on {} failed after {} tries (last code: {}); authorisation {} voided. Purchase {}.",
            p.item.option_code,
            p.vin,
            p.attempts,
            last.unwrap_or_else(|| "none".into()),
            p.payment.intent_id.clone().unwrap_or_default(),
            p.id
        );
        raise_alert_in(tx, app, &order, "ota_escalation", &message).await?;
        crate::support::open_case_in(
            tx,
            app,
            p,
            caas_domain::support::SupportCaseKind::ActivationFailed,
            &message,
        )
        .await?;
    }
    Ok(())
}
