//! The customer's inbox as the API shows it: each notification with its
//! delivery on every channel and that delivery's log.

use caas_app::notify::prefs::InboxItem;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A notification with its deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationOut {
    /// `ntf_…`.
    pub id: String,
    /// Matrix row (`delivery_scheduled`, `payment_confirmed`, …).
    pub event: String,
    /// Category the preferences group it under.
    pub category: String,
    /// The order it is about.
    pub order_id: Option<String>,
    /// Title, in the customer's language.
    pub title: String,
    /// Text.
    pub body: String,
    /// Where to see more.
    pub url: String,
    /// `es` or `en`.
    pub language: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When the customer read it.
    pub read_at: Option<DateTime<Utc>>,
    /// One delivery per channel.
    pub deliveries: Vec<ChannelDeliveryOut>,
}

/// The delivery of a notification on one channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelDeliveryOut {
    /// `email`, `push`, `display` or `sms`.
    pub channel: String,
    /// `pending`, `sent`, `delivered`, `failed` or `skipped`.
    pub state: String,
    /// Attempts so far.
    pub attempts: u32,
    /// Provider's id of the message.
    pub provider_ref: Option<String>,
    /// What happened, oldest first.
    pub log: Vec<DeliveryLogOut>,
}

/// One line of a delivery's log.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryLogOut {
    /// When.
    pub at: DateTime<Utc>,
    /// What happened.
    pub what: String,
}

impl From<&InboxItem> for NotificationOut {
    fn from(i: &InboxItem) -> Self {
        let n = &i.notification;
        Self {
            id: n.id.to_string(),
            event: n.kind.as_str().to_owned(),
            category: n.kind.category().to_owned(),
            order_id: n.order_id.as_ref().map(|o| o.to_string()),
            title: n.title.clone(),
            body: n.body.clone(),
            url: n.url.clone(),
            language: n.language.clone(),
            created_at: n.created_at,
            read_at: n.read_at,
            deliveries: i
                .deliveries
                .iter()
                .map(|d| ChannelDeliveryOut {
                    channel: d.channel.as_str().to_owned(),
                    state: d.state.as_str().to_owned(),
                    attempts: d.attempts,
                    provider_ref: d.provider_ref.clone(),
                    log: d
                        .log
                        .iter()
                        .map(|l| DeliveryLogOut {
                            at: l.at,
                            what: l.what.clone(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
