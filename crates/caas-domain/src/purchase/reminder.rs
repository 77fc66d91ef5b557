//! The reminder before a time-limited service ends (SVC-10 elaboration,
//! NOTIF row "Service expiring/expired"): due a configurable window before
//! the end (default 3 days; a zero window is off), only for periods longer
//! than the window, told once per purchase (the history keeps
//! [`REMINDED`]), and not at all when an extension bought meanwhile
//! continues the service (the extension carries its own reminder).

use super::{Period, PurchaseState, PurchaseStep};
use chrono::{DateTime, Duration, Utc};

/// History note of a purchase whose reminder was told.
pub const REMINDED: &str = "expiry_reminder_sent";

/// What the reminder of one purchase calls for at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderStep {
    /// Nothing: lifetime, reminders off, a period no longer than the
    /// window, already told, or the end already reached.
    Nothing,
    /// Not yet: due at this time.
    DueAt(DateTime<Utc>),
    /// Due now (before the end).
    Due,
}

/// When the reminder of `period` is due with `window`, if it has one.
pub fn reminder_at(period: &Period, window: Duration) -> Option<DateTime<Utc>> {
    let end = period.ends_at?;
    if window <= Duration::zero() || end - period.starts_at <= window {
        return None;
    }
    Some(end - window)
}

/// What the reminder of `period` calls for at `now`.
pub fn reminder_step(
    period: &Period,
    window: Duration,
    reminded: bool,
    now: DateTime<Utc>,
) -> ReminderStep {
    if reminded {
        return ReminderStep::Nothing;
    }
    match (reminder_at(period, window), period.ends_at) {
        (Some(at), _) if now < at => ReminderStep::DueAt(at),
        (Some(_), Some(end)) if now < end => ReminderStep::Due,
        _ => ReminderStep::Nothing,
    }
}

/// Whether a history already holds the told reminder.
pub fn reminded(history: &[PurchaseStep]) -> bool {
    history.iter().any(|h| h.note == REMINDED)
}

/// Whether an extension in `state` still continues the service it extends
/// (and so cancels that one's reminder): anything but a refused, declined,
/// failed or cancelled purchase.
pub fn extension_continues(state: PurchaseState) -> bool {
    !matches!(
        state,
        PurchaseState::Rejected
            | PurchaseState::PaymentDeclined
            | PurchaseState::FailedNotCharged
            | PurchaseState::Cancelled
    )
}

#[cfg(test)]
mod tests;
