//! The in-car display channel of the notification engine (SPEC §3.13
//! "Vehicle display" column, OTA-7, OP-18): the `display.message` command of
//! `shared/contracts/iot-api.md` built from a notification — title at most
//! 40 characters, body at most 240, the customer's language, a severity per
//! row, and a `display_until` after which the car answers `expired` instead
//! of showing a stale message.
//!
//! The command is a pure function of the notification (its id, texts and
//! creation time), so publishing it again is publishing the *same* command
//! (contract rule 1), and a reply names its notification through the
//! command id.

use crate::fleet::{CommandStamp, FleetCommand};
use crate::ids::NotificationId;
use crate::notification::{Notification, NotificationKind};
use chrono::{DateTime, Duration, Utc};

/// Longest title the display takes.
pub const TITLE_MAX: usize = 40;
/// Longest body the display takes.
pub const BODY_MAX: usize = 240;
/// Prefix of a display command's id; the rest is the notification's.
const COMMAND_PREFIX: &str = "cmd_dsp_";

/// How the car shows a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Informative.
    Info,
    /// Needs the driver's attention.
    Warning,
}

impl Severity {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
        }
    }
}

/// The severity of a row on the display.
pub fn severity(kind: NotificationKind) -> Severity {
    match kind {
        NotificationKind::ActivationFailed | NotificationKind::OptionRefused => Severity::Warning,
        _ => Severity::Info,
    }
}

/// How long a message of `kind` is worth showing: "activation in
/// progress" is stale within the hour, the others within a day.
pub fn lifetime(kind: NotificationKind) -> Duration {
    match kind {
        NotificationKind::ActivationInProgress => Duration::hours(1),
        _ => Duration::hours(24),
    }
}

/// `text` cut to `max` characters, ending in "…" when cut.
pub fn fit(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// The command id of `notification`'s display message.
pub fn command_id(notification: &NotificationId) -> String {
    let rest = notification
        .as_str()
        .strip_prefix(NotificationId::PREFIX)
        .unwrap_or(notification.as_str());
    format!("{COMMAND_PREFIX}{rest}")
}

/// The notification a display command id belongs to, if it is one.
pub fn notification_of(command_id: &str) -> Option<NotificationId> {
    let rest = command_id.strip_prefix(COMMAND_PREFIX)?;
    NotificationId::parse(&format!("{}{rest}", NotificationId::PREFIX)).ok()
}

/// When `n`'s message stops being worth showing.
pub fn display_until(n: &Notification) -> DateTime<Utc> {
    n.created_at
        .checked_add_signed(lifetime(n.kind))
        .unwrap_or(n.created_at)
}

/// The `display.message` command of `n` (same bytes however often it is built).
pub fn command(n: &Notification) -> FleetCommand {
    let until = display_until(n);
    let min_end = n
        .created_at
        .checked_add_signed(Duration::seconds(FleetCommand::MIN_TTL_SECS))
        .unwrap_or(until);
    let stamp = CommandStamp::recorded(&command_id(&n.id), n.created_at, until.max(min_end));
    FleetCommand::display_message(
        &n.title,
        &n.body,
        severity(n.kind),
        &n.language,
        until,
        stamp,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AccountId, NotificationId};

    fn notification(kind: NotificationKind, title: &str, body: &str) -> Notification {
        Notification {
            id: NotificationId::new(),
            customer_id: AccountId::new(),
            order_id: None,
            kind,
            dedupe_key: "k".into(),
            language: "es".into(),
            title: title.into(),
            body: body.into(),
            url: "/inbox".into(),
            created_at: Utc::now(),
            read_at: None,
        }
    }

    #[test]
    fn long_texts_are_cut_to_the_display_limits() {
        let n = notification(
            NotificationKind::ServiceActivated,
            &"Asistente de conducción en autopista activado".repeat(2),
            &"x".repeat(500),
        );
        let c = command(&n);
        let title = c.params()["title"].as_str().unwrap();
        let body = c.params()["body"].as_str().unwrap();
        assert_eq!(title.chars().count(), TITLE_MAX);
        assert!(title.ends_with('…'));
        assert_eq!(body.chars().count(), BODY_MAX);
        assert_eq!(fit("corto", TITLE_MAX), "corto");
    }

    #[test]
    fn the_command_is_the_same_however_often_it_is_built_and_names_its_notification() {
        let n = notification(NotificationKind::ActivationFailed, "t", "b");
        assert_eq!(command(&n), command(&n));
        assert_eq!(
            notification_of(command(&n).command_id()),
            Some(n.id.clone())
        );
        assert_eq!(notification_of("cmd_0190abcd"), None);
        assert_eq!(command(&n).params()["severity"], "warning");
        assert_eq!(command(&n).kind(), "display.message");
    }

    #[test]
    fn a_message_expires_when_it_is_no_longer_worth_showing() {
        let n = notification(NotificationKind::ActivationInProgress, "t", "b");
        let c = command(&n);
        assert_eq!(c.expires_at() - c.issued_at(), Duration::hours(1));
        assert!(c.expires_at() - c.issued_at() >= Duration::seconds(FleetCommand::MIN_TTL_SECS));
        let a = notification(NotificationKind::ServiceActivated, "t", "b");
        assert_eq!(display_until(&a) - a.created_at, Duration::hours(24));
    }
}
