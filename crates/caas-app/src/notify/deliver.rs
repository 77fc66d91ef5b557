//! Delivery jobs of the SMS, push and in-car display channels, the email channel's outcome,
//! and SMS receipts. A delivery that is no longer pending is never sent
//! again; a transient failure returns an error so the job retries.

use crate::App;
use caas_domain::ids::NotificationId;
use caas_domain::job::Job;
use caas_domain::notification::{Channel, Delivery, DeliveryState, Notification};
use caas_domain::partners::{PushError, PushMessage, PushTarget, SmsError, SmsRequest};

async fn load(
    app: &App,
    id: &NotificationId,
    channel: Channel,
) -> anyhow::Result<Option<(Notification, Delivery)>> {
    let mut tx = app.store.read().await?;
    let Some(n) = tx.find_notification(id).await? else {
        anyhow::bail!("notification {id} not found");
    };
    Ok(tx
        .find_delivery(id, channel)
        .await?
        .filter(|d| d.state == DeliveryState::Pending)
        .map(|d| (n, d)))
}

/// Writes `d` unless a receipt or a car's reply closed it meanwhile
/// (delivered or failed), which a job's older view must not undo.
async fn save(app: &App, d: &Delivery) -> anyhow::Result<()> {
    let mut tx = app.store.begin().await?;
    let closed = tx
        .find_delivery(&d.notification_id, d.channel)
        .await?
        .is_some_and(|now| matches!(now.state, DeliveryState::Delivered | DeliveryState::Failed));
    if !closed {
        tx.upsert_delivery(d).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Runs one delivery job (SMS or push).
#[tracing::instrument(skip_all, fields(notification = %id, channel = channel.as_str()))]
pub async fn deliver_notification(
    app: &App,
    job: &Job,
    id: &NotificationId,
    channel: Channel,
) -> anyhow::Result<()> {
    let Some((n, mut d)) = load(app, id, channel).await? else {
        return Ok(());
    };
    let now = app.clock.now();
    d.attempts += 1;
    let last_attempt = job.attempts >= job.max_attempts;
    let result = match channel {
        Channel::Sms => send_sms(app, &n, &mut d).await,
        Channel::Push => send_push(app, &n, &mut d).await,
        Channel::Display => super::display::send_display(app, &n, &mut d).await,
        Channel::Email => Ok(()),
    };
    match result {
        Ok(()) => {
            save(app, &d).await?;
            if let (Channel::Sms, Some(message_id)) = (channel, &d.provider_ref) {
                // Receipts that raced ahead of this answer are applied now.
                apply_sms_receipts(app, message_id).await?;
            }
            Ok(())
        }
        Err(e) if last_attempt => {
            d.record(
                now,
                DeliveryState::Failed,
                format!("gave up after {} attempts: {e}", d.attempts),
            );
            save(app, &d).await?;
            Ok(())
        }
        Err(e) => {
            d.log.push(caas_domain::notification::DeliveryLogEntry {
                at: now,
                what: format!("attempt {} failed: {e}", d.attempts),
            });
            d.updated_at = now;
            save(app, &d).await?;
            Err(e)
        }
    }
}

async fn send_sms(app: &App, n: &Notification, d: &mut Delivery) -> anyhow::Result<()> {
    let now = app.clock.now();
    let Some(sms) = &app.partners.sms else {
        d.record(now, DeliveryState::Skipped, "no SMS provider configured");
        return Ok(());
    };
    let phone = {
        let mut tx = app.store.read().await?;
        tx.find_customer_profile(&n.customer_id)
            .await?
            .and_then(|p| p.phone)
    };
    let Some(phone) = phone else {
        d.record(now, DeliveryState::Skipped, "no phone number on file");
        return Ok(());
    };
    let body: String = format!("{}: {}", n.title, n.body)
        .chars()
        .take(400)
        .collect();
    let req = SmsRequest {
        to: phone.as_str().to_owned(),
        body,
        sender: app.settings.sms_sender.clone(),
        reference: n.id.to_string(),
    };
    match sms.send_sms(&req, &format!("{}-sms", n.id)).await {
        Ok(acc) => {
            d.provider_ref = Some(acc.message_id.clone());
            d.record(
                now,
                DeliveryState::Sent,
                format!("accepted by the SMS provider as {}", acc.message_id),
            );
            Ok(())
        }
        Err(SmsError::Refused { code, message }) => {
            d.record(
                now,
                DeliveryState::Failed,
                format!("refused by the SMS provider: {code} ({message})"),
            );
            Ok(())
        }
        Err(SmsError::Call(e)) => Err(anyhow::anyhow!("sms: {e}")),
    }
}

async fn send_push(app: &App, n: &Notification, d: &mut Delivery) -> anyhow::Result<()> {
    let now = app.clock.now();
    let Some(push) = &app.partners.push else {
        d.record(now, DeliveryState::Skipped, "no push sender configured");
        return Ok(());
    };
    let subs = {
        let mut tx = app.store.read().await?;
        tx.list_push_subscriptions(&n.customer_id, now).await?
    };
    if subs.is_empty() {
        d.record(
            now,
            DeliveryState::Skipped,
            "no app installation subscribed to push",
        );
        return Ok(());
    }
    let payload = serde_json::json!({
        "notification_id": n.id, "category": n.kind.category(), "title": n.title,
        "body": n.body, "url": n.url, "created_at": n.created_at,
    });
    let msg = PushMessage {
        payload: serde_json::to_vec(&payload)?,
        ttl_secs: 86_400,
        urgency: "normal",
        topic: None,
    };
    let (mut ok, mut transient) = (0, None);
    for s in &subs {
        let target = PushTarget {
            endpoint: s.endpoint.clone(),
            p256dh: s.p256dh.clone(),
            auth: s.auth.clone(),
        };
        match push.push(&target, &msg).await {
            Ok(()) => ok += 1,
            Err(PushError::Gone) => {
                let mut tx = app.store.begin().await?;
                tx.delete_push_subscription(&n.customer_id, &s.id).await?;
                tx.commit().await?;
                d.log.push(caas_domain::notification::DeliveryLogEntry {
                    at: now,
                    what: format!("subscription {} gone; removed", s.id),
                });
            }
            Err(PushError::Refused(m)) => {
                d.log.push(caas_domain::notification::DeliveryLogEntry {
                    at: now,
                    what: format!("push refused: {m}"),
                });
            }
            Err(PushError::Call(e)) => transient = Some(e.to_string()),
        }
    }
    if ok > 0 {
        d.record(
            now,
            DeliveryState::Sent,
            format!("accepted by {ok} of {} push services", subs.len()),
        );
        Ok(())
    } else if let Some(e) = transient {
        Err(anyhow::anyhow!("push: {e}"))
    } else {
        d.record(
            now,
            DeliveryState::Failed,
            "no push service accepted the message",
        );
        Ok(())
    }
}

/// Records the SMTP outcome of a notification email on its delivery.
pub async fn record_email_outcome(
    app: &App,
    notification_id: &str,
    sent: bool,
    what: &str,
) -> anyhow::Result<()> {
    let id = NotificationId::parse(notification_id)?;
    let mut tx = app.store.begin().await?;
    if let Some(mut d) = tx.find_delivery(&id, Channel::Email).await? {
        d.attempts += 1;
        let state = if sent {
            DeliveryState::Sent
        } else {
            DeliveryState::Failed
        };
        d.record(app.clock.now(), state, what);
        tx.upsert_delivery(&d).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct Receipt {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: ReceiptData,
}

#[derive(serde::Deserialize)]
struct ReceiptData {
    message_id: String,
    #[serde(default)]
    reference: Option<String>,
    status: String,
    sequence: i64,
    #[serde(default)]
    error_code: Option<String>,
}

/// Stores a verified SMS receipt (deduplicated by webhook id) and applies
/// what can be applied; true if new. A receipt that arrives before the
/// delivery knows its message id stays pending until it does.
pub async fn ingest_sms_receipt(app: &App, body: &str) -> crate::error::AppResult<bool> {
    let e: Receipt = serde_json::from_str(body)
        .map_err(|e| crate::error::AppError::BadRequest(format!("not an SMS receipt: {e}")))?;
    let row = caas_domain::records::InboundEvent {
        source: "sms".into(),
        event_id: e.id.clone(),
        event_type: e.kind.clone(),
        resource: e.data.message_id.clone(),
        reference: e.data.reference.clone(),
        sequence: e.data.sequence,
        body: body.to_owned(),
        received_at: app.clock.now(),
        state: caas_domain::records::InboundState::Pending,
    };
    let new = app.ingest.store(row, None).await?;
    if new {
        apply_sms_receipts(app, &e.data.message_id).await?;
    }
    Ok(new)
}

/// Applies the pending receipts of one SMS, in sequence order, to its
/// delivery; receipts never move a delivery backwards.
pub async fn apply_sms_receipts(app: &App, message_id: &str) -> crate::error::AppResult<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(mut d) = tx.find_delivery_by_provider_ref(message_id).await? else {
        return Ok(());
    };
    for row in tx
        .list_pending_inbound("sms", Some(message_id), None)
        .await?
    {
        let Ok(e) = serde_json::from_str::<Receipt>(&row.body) else {
            continue;
        };
        let next = match e.data.status.as_str() {
            "delivered" => Some(DeliveryState::Delivered),
            "failed" | "expired" => Some(DeliveryState::Failed),
            _ => None,
        };
        let what = format!(
            "receipt {} (sequence {}){}",
            e.data.status,
            e.data.sequence,
            e.data
                .error_code
                .map(|c| format!(": {c}"))
                .unwrap_or_default()
        );
        match next {
            Some(s) if d.state == DeliveryState::Sent => d.record(now, s, what),
            _ => d
                .log
                .push(caas_domain::notification::DeliveryLogEntry { at: now, what }),
        }
        tx.set_inbound_state(
            "sms",
            &row.event_id,
            caas_domain::records::InboundState::Applied,
        )
        .await?;
    }
    tx.upsert_delivery(&d).await?;
    tx.commit().await?;
    Ok(())
}
