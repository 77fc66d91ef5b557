//! The purchase machine of SPEC §4.2 as `(state, event) -> (state, effects)`.
//!
//! One elaboration, from the issue and OTA-6: when activation fails for
//! good the purchase stays ACTIVATING while a `state.query` confirms the
//! feature is off ([`PurchaseEffect::ConfirmByQuery`]); the query's answer
//! decides ACTIVE (enabled after all: captured) or FAILED_NOT_CHARGED.

use super::PurchaseState as S;
use crate::fleet::ReplyStatus;

/// What happened to a purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseEvent {
    /// A planned/recurring occurrence's start came.
    StartReached,
    /// The customer cancelled a pending purchase.
    CustomerCancels,
    /// Eligibility passed.
    ChecksPassed,
    /// Eligibility failed.
    ChecksFailed,
    /// The gateway authorised the amount.
    Authorized,
    /// The gateway declined the card.
    Declined,
    /// The car reported the feature enabled (reply and state, OTA-4).
    FeatureEnabled,
    /// An attempt ended without the feature on.
    AttemptFailed {
        /// The cause allows another try (contract table).
        retryable: bool,
        /// Tries remain (ADM-2).
        retries_left: bool,
    },
    /// The backoff of RETRY_WAIT elapsed.
    BackoffElapsed,
    /// The confirming query shows the feature off.
    FeatureConfirmedOff,
    /// A time-limited period reached its end.
    PeriodEnded,
    /// A withdrawal inside the window.
    WithdrawalAccepted,
    /// The car reported the feature disabled.
    FeatureDisabled {
        /// The deactivation was a withdrawal (else the period ended).
        withdrawal: bool,
    },
    /// Disabling failed for good.
    DeactivationExhausted {
        /// The deactivation was a withdrawal.
        withdrawal: bool,
    },
}

/// What the application must do after a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseEffect {
    /// Run the checks (again for a scheduled start).
    RunChecks,
    /// Authorise the card (manual capture).
    Authorize,
    /// Send `feature.enable` under a new command id.
    SendEnable,
    /// Wait for the backoff before the next try.
    ScheduleRetry,
    /// Ask the car (`state.query`) before declaring failure.
    ConfirmByQuery,
    /// Capture the authorisation.
    Capture,
    /// Issue the service invoice.
    Invoice,
    /// Void the authorisation (`activation_failed`).
    Void,
    /// Escalate to support with the diagnostic package.
    Escalate,
    /// Send `feature.disable`.
    SendDisable,
    /// Refund in full and issue a credit note (withdrawal).
    Refund,
    /// Tell the customer.
    Notify(PurchaseNotice),
}

/// Customer notices of the purchase (NOTIF matrix rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseNotice {
    /// "Activation in progress" (push, display).
    Activating,
    /// "Service activated" (email, push, display).
    Activated,
    /// "Activation failed — not charged" (email, push, SMS, display).
    FailedNotCharged,
    /// The card was declined.
    PaymentDeclined,
    /// The purchase was refused (maintenance, VSS, …).
    Refused,
    /// "Service expired".
    Expired,
    /// "Withdrawal done".
    Withdrawn,
    /// A pending purchase was cancelled.
    Cancelled,
}

/// The answer of the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Next state.
    pub to: S,
    /// Effects, in order.
    pub effects: Vec<PurchaseEffect>,
}

fn go(to: S, effects: &[PurchaseEffect]) -> Option<Transition> {
    Some(Transition {
        to,
        effects: effects.to_vec(),
    })
}

/// The transition for `event` in `state`; `None` when the event does not
/// apply there (ignored, e.g. a duplicate).
pub fn next(state: S, event: PurchaseEvent) -> Option<Transition> {
    use PurchaseEffect as F;
    use PurchaseEvent as E;
    use PurchaseNotice as N;
    match (state, event) {
        (S::Scheduled, E::StartReached) => go(S::Requested, &[F::RunChecks]),
        (S::Scheduled, E::CustomerCancels) => go(S::Cancelled, &[F::Notify(N::Cancelled)]),
        (S::Requested, E::ChecksFailed) => go(S::Rejected, &[F::Notify(N::Refused)]),
        (S::Requested, E::ChecksPassed) => go(S::Authorizing, &[F::Authorize]),
        (S::Authorizing, E::Declined) => go(S::PaymentDeclined, &[F::Notify(N::PaymentDeclined)]),
        (S::Authorizing, E::Authorized) => {
            go(S::Activating, &[F::SendEnable, F::Notify(N::Activating)])
        }
        (S::Activating | S::RetryWait, E::FeatureEnabled) => go(
            S::Active,
            &[F::Capture, F::Invoice, F::Notify(N::Activated)],
        ),
        (
            S::Activating,
            E::AttemptFailed {
                retryable: true,
                retries_left: true,
            },
        ) => go(S::RetryWait, &[F::ScheduleRetry]),
        (S::Activating, E::AttemptFailed { .. }) => go(S::Activating, &[F::ConfirmByQuery]),
        (S::RetryWait, E::BackoffElapsed) => go(S::Activating, &[F::SendEnable]),
        (S::Activating, E::FeatureConfirmedOff) => go(
            S::FailedNotCharged,
            &[F::Void, F::Escalate, F::Notify(N::FailedNotCharged)],
        ),
        (S::Active, E::PeriodEnded) => go(S::Deactivating, &[F::SendDisable]),
        (S::Active, E::WithdrawalAccepted) => go(S::Deactivating, &[F::SendDisable, F::Refund]),
        (S::Deactivating, E::FeatureDisabled { withdrawal: false }) => {
            go(S::Expired, &[F::Notify(N::Expired)])
        }
        (S::Deactivating, E::FeatureDisabled { withdrawal: true }) => {
            go(S::Withdrawn, &[F::Notify(N::Withdrawn)])
        }
        (S::Deactivating, E::DeactivationExhausted { withdrawal: false }) => {
            go(S::Expired, &[F::Escalate, F::Notify(N::Expired)])
        }
        (S::Deactivating, E::DeactivationExhausted { withdrawal: true }) => {
            go(S::Withdrawn, &[F::Escalate, F::Notify(N::Withdrawn)])
        }
        _ => None,
    }
}

/// The notice a purchase gives on entering `to` from `from`: the machine's
/// `Notify` effect of that transition (the state table test checks they agree).
pub fn notice_on_entry(from: S, to: S) -> Option<PurchaseNotice> {
    use PurchaseNotice as N;
    match (from, to) {
        (S::Authorizing, S::Activating) => Some(N::Activating),
        (S::Activating | S::RetryWait, S::Active) => Some(N::Activated),
        (S::Activating, S::FailedNotCharged) => Some(N::FailedNotCharged),
        (S::Authorizing, S::PaymentDeclined) => Some(N::PaymentDeclined),
        (S::Requested, S::Rejected) => Some(N::Refused),
        (S::Deactivating, S::Expired) => Some(N::Expired),
        (S::Deactivating, S::Withdrawn) => Some(N::Withdrawn),
        (S::Scheduled, S::Cancelled) => Some(N::Cancelled),
        _ => None,
    }
}

/// Whether a final reply's cause allows another try with a new command id
/// (`iot-api.md` error table; `expired` means nothing was done).
pub fn retryable(status: ReplyStatus, code: Option<&str>) -> bool {
    match status {
        ReplyStatus::Expired => true,
        ReplyStatus::Rejected => matches!(
            code,
            Some("incompatible_state" | "vehicle_busy" | "low_battery")
        ),
        ReplyStatus::Failed | ReplyStatus::Succeeded | ReplyStatus::Accepted => false,
    }
}
