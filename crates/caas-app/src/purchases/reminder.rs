//! The reminder before a time-limited service ends (SVC-10 elaboration,
//! NOTIF row "Service expiring/expired" on email and push): the ACTIVE
//! purchase's saga wakes `OtaSettings::expiry_reminder` before the end
//! (`caas_domain::purchase::reminder`), and unless an extension bought
//! meanwhile continues the service (it carries its own reminder), notes the
//! reminder in the purchase's history and records the timeline entry and
//! notification in the same version-guarded write, keyed by purchase, so
//! it is told once whatever retries.

use super::saga::Next;
use crate::notify::{notify_in, texts::Detail};
use crate::orders::effects::{record_in, EventRecord};
use crate::App;
use caas_domain::notification::NotificationKind;
use caas_domain::purchase::reminder::{extension_continues, REMINDED};
use caas_domain::purchase::{Purchase, PurchaseStep};
use caas_domain::timeline::TimelineKind;
use serde_json::json;

fn detail(p: &Purchase, end: chrono::DateTime<chrono::Utc>) -> Detail {
    let (es, en) = (&p.item.option_name.es, &p.item.option_name.en);
    let (day_es, day_en) = (
        end.format("%d/%m/%Y %H:%M UTC").to_string(),
        end.format("%-d %B %Y %H:%M UTC").to_string(),
    );
    Detail::text(
        (
            &format!("Tu servicio {es} caduca el {day_es}"),
            format!("{es} se desactivará el {day_es}. Si quieres seguir usándolo, puedes ampliarlo desde la tienda de tu vehículo."),
        ),
        (
            &format!("Your service {en} expires on {day_en}"),
            format!("{en} will be switched off on {day_en}. To keep it, you can extend it from your vehicle's store."),
        ),
    )
}

/// The reminder of `p`, due now: told once, unless an extension continues it.
pub(crate) async fn remind(app: &App, mut p: Purchase) -> anyhow::Result<Next> {
    let Some(end) = p.period.ends_at else {
        return Ok(Next::Idle);
    };
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let extended = tx
        .list_purchases_for_vehicle(&p.vehicle_id)
        .await?
        .iter()
        .any(|o| o.extends.as_ref() == Some(&p.id) && extension_continues(o.state));
    if extended {
        return Ok(Next::WakeAt(end));
    }
    p.history.push(PurchaseStep {
        at: now,
        state: p.state,
        note: REMINDED.into(),
    });
    p.version += 1;
    p.updated_at = now;
    if !tx.update_purchase(&p).await? {
        return Ok(Next::Continue);
    }
    let Some(order) = tx.find_order(&p.order_id).await? else {
        anyhow::bail!("purchase {} names a missing order", p.id);
    };
    let detail = detail(&p, end);
    let kind = TimelineKind::PurchaseExpiring;
    let rec = EventRecord {
        kind: kind.clone(),
        at: now,
        data: json!({"purchase": p.id, "option": p.item.option_code, "ends_at": end}),
        dedupe_key: format!("purchase:{}:{}", p.id, kind.key()),
        detail: Some(detail.clone()),
        alert_message: String::new(),
        fact: None,
    };
    record_in(&mut *tx, app, &order, &rec).await?;
    if let Some(customer) = tx.find_account(&p.customer_id).await? {
        let row = NotificationKind::ServiceExpiring;
        let key = format!("purchase:{}:{}", p.id, row.as_str());
        notify_in(
            &mut *tx,
            app,
            &customer,
            Some(&order.id),
            row,
            &key,
            &detail,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Next::Continue)
}
