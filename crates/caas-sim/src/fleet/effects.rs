//! Effects of executed commands on the vehicle state (features, keys,
//! messages, state query) and the display-message timers.

use super::commands::{remember, reply, Outgoing};
use super::model::{AppKey, VehicleState, MAX_APP_KEYS};
use super::validate::Action;
use caas_domain::fleet::{ReplyStatus, StateReport};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Sets a display message's status (and display time).
pub(crate) fn set_message(
    st: &mut VehicleState,
    id: &str,
    status: &str,
    at: Option<DateTime<Utc>>,
) {
    if let Some(m) = st.messages.iter_mut().find(|m| m.command_id == id) {
        m.status = status.to_owned();
        m.displayed_at = at;
    }
}

/// Applies a validated action: (changed, result, query report).
pub(crate) fn apply(
    st: &mut VehicleState,
    id: &str,
    action: Action,
) -> (bool, Option<Value>, Option<StateReport>) {
    match action {
        Action::Enable {
            code,
            valid_until,
            config,
        } => {
            let Some(f) = st.feature_mut(&code) else {
                return (false, None, None);
            };
            let changed = !f.enabled || f.valid_until != valid_until || f.config != config;
            (f.enabled, f.valid_until, f.config) = (true, valid_until, config);
            (changed, None, None)
        }
        Action::Disable { code } => {
            let Some(f) = st.feature_mut(&code) else {
                return (false, None, None);
            };
            let changed = f.enabled;
            (f.enabled, f.valid_until) = (false, None);
            (changed, None, None)
        }
        Action::Query => {
            let report = st.next_report("query");
            let result = serde_json::to_value(&report).ok();
            (false, result, Some(report))
        }
        Action::Display(_) => {
            let now = st.now();
            set_message(st, id, "displayed", Some(now));
            (false, None, None)
        }
        Action::Link(key) => link(st, key),
        Action::Unlink { key_id } => {
            let before = st.app_keys.len();
            st.app_keys.retain(|k| k.key_id != key_id);
            (st.app_keys.len() != before, None, None)
        }
    }
}

fn link(st: &mut VehicleState, key: AppKey) -> (bool, Option<Value>, Option<StateReport>) {
    if let Some(existing) = st.app_keys.iter_mut().find(|k| k.key_id == key.key_id) {
        let changed = existing.public_key != key.public_key
            || existing.label != key.label
            || existing.valid_until != key.valid_until;
        *existing = key;
        return (changed, None, None);
    }
    debug_assert!(st.app_keys.len() < MAX_APP_KEYS);
    st.app_keys.push(key);
    (true, None, None)
}

/// Pending `display.message`s whose `display_until` passed: `expired` finals.
pub fn expire_messages(st: &mut VehicleState) -> Vec<Outgoing> {
    let now = st.now();
    let ids: Vec<String> = st
        .messages
        .iter()
        .filter(|m| m.status == "pending" && m.display_until.is_some_and(|t| t <= now))
        .map(|m| m.command_id.clone())
        .collect();
    ids.iter()
        .filter_map(|id| {
            set_message(st, id, "expired", None);
            let kind = st.seen.get(id)?.kind.clone();
            let r = reply(st, id, &kind, ReplyStatus::Expired, None, None);
            Some(remember(st, r))
        })
        .collect()
}

/// Command ids of `display.message`s waiting for the ignition.
pub fn waiting_messages(st: &VehicleState) -> Vec<String> {
    st.messages
        .iter()
        .filter(|m| m.status == "pending")
        .map(|m| m.command_id.clone())
        .collect()
}
