//! The notification engine: one call maps an event to its channels (SPEC
//! §3.13 matrix and the customer's mutes), writes the inbox entry and one
//! delivery per channel, and enqueues the delivery jobs — all inside the
//! caller's transaction, so a retried event (same dedupe key) sends nothing twice.

pub mod deliver;
pub mod display;
pub mod prefs;
pub mod texts;

use crate::error::AppResult;
use crate::jobs::AppJob;
use crate::App;
use caas_domain::account::{Account, Language};
use caas_domain::ids::{EmailId, NotificationId, OrderId};
use caas_domain::mail::{EmailState, OutboundEmail};
use caas_domain::notification::{
    channel_enabled, Channel, Delivery, DeliveryState, Notification, NotificationKind,
};
use caas_domain::ports::Tx;
use texts::Detail;

/// Creates the notification `kind` for `customer` unless `dedupe_key` was
/// already used. Returns the new id, or `None` for a repeat.
#[tracing::instrument(skip_all, fields(kind = kind.as_str(), customer = %customer.id))]
pub async fn notify_in(
    tx: &mut dyn Tx,
    app: &App,
    customer: &Account,
    order: Option<&OrderId>,
    kind: NotificationKind,
    dedupe_key: &str,
    detail: &Detail,
) -> AppResult<Option<NotificationId>> {
    let now = app.clock.now();
    let lang = customer.language;
    let (title, body) = texts::render(detail, lang);
    let url = match order {
        Some(o) => format!("/expediente/{o}"),
        None => "/inbox".to_owned(),
    };
    let n = Notification {
        id: NotificationId::new(),
        customer_id: customer.id.clone(),
        order_id: order.cloned(),
        kind,
        dedupe_key: dedupe_key.to_owned(),
        language: lang.as_str().to_owned(),
        title,
        body,
        url,
        created_at: now,
        read_at: None,
    };
    if !tx.insert_notification(&n).await? {
        return Ok(None);
    }
    let muted = tx.list_muted(&customer.id).await?;
    let phone = tx
        .find_customer_profile(&customer.id)
        .await?
        .and_then(|p| p.phone);
    let subscriptions = tx.list_push_subscriptions(&customer.id, now).await?.len();
    let car = if channel_enabled(kind, Channel::Display, &muted) {
        display::display_vin_in(tx, order).await?
    } else {
        None
    };
    for channel in Channel::ALL {
        if !channel_enabled(kind, channel, &muted) {
            continue;
        }
        let mut d = Delivery {
            notification_id: n.id.clone(),
            channel,
            state: DeliveryState::Pending,
            provider_ref: None,
            attempts: 0,
            log: Vec::new(),
            updated_at: now,
        };
        let skip = match channel {
            Channel::Sms if phone.is_none() => Some("no phone number on file"),
            Channel::Push if subscriptions == 0 => Some("no app installation subscribed to push"),
            Channel::Display if car.is_none() => Some("no vehicle linked yet"),
            _ => None,
        };
        if let Some(reason) = skip {
            d.record(now, DeliveryState::Skipped, reason);
            tx.upsert_delivery(&d).await?;
            continue;
        }
        if channel == Channel::Email {
            let email_id = queue_notification_email(tx, app, customer, &n, kind).await?;
            d.provider_ref = Some(email_id.to_string());
        } else {
            let job = AppJob::DeliverNotification {
                notification_id: n.id.clone(),
                channel,
            }
            .to_new_job(now, &app.settings)?;
            tx.enqueue_job(&job, now).await?;
        }
        d.record(now, DeliveryState::Pending, "queued");
        tx.upsert_delivery(&d).await?;
    }
    Ok(Some(n.id))
}

async fn queue_notification_email(
    tx: &mut dyn Tx,
    app: &App,
    customer: &Account,
    n: &Notification,
    kind: NotificationKind,
) -> AppResult<EmailId> {
    let now = app.clock.now();
    let link = format!("{}{}", app.settings.public_url, n.url);
    let (greeting, open) = match customer.language {
        Language::Es => (format!("Hola, {}:", customer.name), "Ver mi expediente"),
        Language::En => (format!("Hello {},", customer.name), "Open my purchase file"),
    };
    let esc = crate::mail::templates::escape;
    let email = OutboundEmail {
        id: EmailId::new(),
        to: customer.email.clone(),
        subject: n.title.clone(),
        body_text: format!("{greeting}\n\n{}\n\n{open}: {link}\n", n.body),
        body_html: format!(
            "<p>{}</p><p><strong>{}</strong></p><p>{}</p><p><a href=\"{}\">{}</a></p>",
            esc(&greeting),
            esc(&n.title),
            esc(&n.body),
            esc(&link),
            esc(open)
        ),
        template: format!("notification.{}", kind.as_str()),
        language: n.language.clone(),
        state: EmailState::Pending,
        created_at: now,
        sent_at: None,
        last_error: None,
        notification_id: Some(n.id.to_string()),
        category: Some(kind.category().to_owned()),
    };
    tx.insert_email(&email).await?;
    let job = AppJob::SendEmail {
        email_id: email.id.clone(),
    }
    .to_new_job(now, &app.settings)?;
    tx.enqueue_job(&job, now).await?;
    Ok(email.id)
}
