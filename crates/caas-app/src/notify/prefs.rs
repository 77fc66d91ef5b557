//! The customer's side of notifications: inbox, channel preferences (only
//! optional cells can be muted, NOTIF-7) and push subscriptions (MOB-2).

use crate::error::{AppError, AppResult};
use crate::App;
use caas_domain::account::Account;
use caas_domain::ids::{NotificationId, PushSubscriptionId, SessionId};
use caas_domain::notification::{Channel, Delivery, Notification, NotificationKind, Requirement};
use caas_domain::records::PushSubscription;

/// An inbox entry with its per-channel deliveries.
#[derive(Debug, Clone)]
pub struct InboxItem {
    /// The notification.
    pub notification: Notification,
    /// Its deliveries.
    pub deliveries: Vec<Delivery>,
}

/// The inbox of `customer`, newest first.
pub async fn list_inbox(app: &App, customer: &Account, limit: i64) -> AppResult<Vec<InboxItem>> {
    let mut tx = app.store.read().await?;
    let list = tx
        .list_notifications_for_customer(&customer.id, limit)
        .await?;
    let ids: Vec<NotificationId> = list.iter().map(|n| n.id.clone()).collect();
    let mut deliveries = tx.list_deliveries(&ids).await?;
    Ok(list
        .into_iter()
        .map(|n| {
            let mine = deliveries
                .iter()
                .filter(|d| d.notification_id == n.id)
                .cloned()
                .collect();
            deliveries.retain(|d| d.notification_id != n.id);
            InboxItem {
                notification: n,
                deliveries: mine,
            }
        })
        .collect())
}

/// Marks the whole inbox read.
pub async fn mark_inbox_read(app: &App, customer: &Account) -> AppResult<u64> {
    let mut tx = app.store.begin().await?;
    let n = tx
        .mark_notifications_read(&customer.id, app.clock.now())
        .await?;
    tx.commit().await?;
    Ok(n)
}

/// One cell of the preferences matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefCell {
    /// Row.
    pub kind: NotificationKind,
    /// Column.
    pub channel: Channel,
    /// M, O, B or –.
    pub requirement: Requirement,
    /// Whether it is on for this customer.
    pub enabled: bool,
}

/// The matrix as it applies to `customer`.
pub async fn list_preferences(app: &App, customer: &Account) -> AppResult<Vec<PrefCell>> {
    let mut tx = app.store.read().await?;
    let muted = tx.list_muted(&customer.id).await?;
    let mut out = Vec::new();
    for kind in NotificationKind::ALL {
        for channel in Channel::ALL {
            let requirement = kind.requirement(channel);
            out.push(PrefCell {
                kind,
                channel,
                requirement,
                enabled: caas_domain::notification::channel_enabled(kind, channel, &muted),
            });
        }
    }
    Ok(out)
}

/// Turns one optional cell on or off; mandatory and unused cells are refused.
pub async fn set_preference(
    app: &App,
    customer: &Account,
    kind: NotificationKind,
    channel: Channel,
    enabled: bool,
) -> AppResult<()> {
    if kind.requirement(channel) != Requirement::Optional {
        return Err(AppError::Invalid {
            field: "channel".into(),
            message: "this channel is mandatory for this event and cannot be switched off".into(),
        });
    }
    let mut tx = app.store.begin().await?;
    tx.set_muted(&customer.id, kind, channel, !enabled).await?;
    tx.commit().await?;
    Ok(())
}

/// Registers the push subscription of a logged-in app installation under
/// the session it is logged in with: it ends with that session (NOTIF-4).
pub async fn subscribe_push(
    app: &App,
    customer: &Account,
    session: &SessionId,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    user_agent: &str,
) -> AppResult<PushSubscription> {
    let endpoint = endpoint.trim();
    if !(endpoint.starts_with("https://") || endpoint.starts_with("http://"))
        || endpoint.len() > 1000
    {
        return Err(AppError::Invalid {
            field: "endpoint".into(),
            message: "must be the push service URL".into(),
        });
    }
    let key_ok = |s: &str, len: usize| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s.trim_end_matches('='))
            .map(|b| b.len() == len)
            .unwrap_or(false)
    };
    if !key_ok(p256dh, 65) {
        return Err(AppError::Invalid {
            field: "keys.p256dh".into(),
            message: "must be a base64url P-256 public key".into(),
        });
    }
    if !key_ok(auth, 16) {
        return Err(AppError::Invalid {
            field: "keys.auth".into(),
            message: "must be a base64url 16-byte secret".into(),
        });
    }
    let s = PushSubscription {
        id: PushSubscriptionId::new(),
        customer_id: customer.id.clone(),
        endpoint: endpoint.to_owned(),
        p256dh: p256dh.trim_end_matches('=').to_owned(),
        auth: auth.trim_end_matches('=').to_owned(),
        user_agent: user_agent.chars().take(200).collect(),
        created_at: app.clock.now(),
        session_id: Some(session.clone()),
    };
    let mut tx = app.store.begin().await?;
    tx.upsert_push_subscription(&s).await?;
    let stored = tx
        .list_push_subscriptions(&customer.id, app.clock.now())
        .await?
        .into_iter()
        .find(|x| x.endpoint == s.endpoint)
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(stored)
}

/// Lists the push subscriptions of `customer`.
pub async fn list_push(app: &App, customer: &Account) -> AppResult<Vec<PushSubscription>> {
    let mut tx = app.store.read().await?;
    Ok(tx
        .list_push_subscriptions(&customer.id, app.clock.now())
        .await?)
}

/// Removes one of the customer's push subscriptions.
pub async fn unsubscribe_push(
    app: &App,
    customer: &Account,
    id: &PushSubscriptionId,
) -> AppResult<()> {
    let mut tx = app.store.begin().await?;
    if !tx.delete_push_subscription(&customer.id, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
