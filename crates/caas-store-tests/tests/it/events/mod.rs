//! Store conformance: what happens to an order after the sale — the
//! timeline, estimate revisions, staff alerts, inbound webhook events, and
//! notifications with their deliveries, mutes and push subscriptions.

mod alerts;
mod inbound;
mod inbox;
mod mutes_and_push;
mod timeline;

use crate::fixtures::*;
use caas_domain::ids::{AccountId, AlertId, NotificationId, OrderId, PushSubscriptionId};
use caas_domain::notification::{Channel, DeliveryLogEntry, DeliveryState, NotificationKind};
use caas_domain::records::InboundState;
use caas_store_tests::{backend, fresh_store};
use chrono::{Duration, NaiveDate};
use std::collections::HashSet;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}
