//! SPEC §4.2 ("Service purchase and activation") as an exhaustive state ×
//! event table for [`caas_domain::purchase::flow::next`]: every
//! [`PurchaseState`] against every [`PurchaseEvent`]. The rows below are
//! copied from the SPEC table; every pair not listed must be ignored.
//!
//! Elaboration (issue 11, OTA-6): "ACTIVATING, failure, no retries left"
//! keeps ACTIVATING while a `state.query` confirms the feature is off
//! (`ConfirmByQuery`); the confirmation moves it to FAILED_NOT_CHARGED, a
//! feature found enabled after all to ACTIVE. A late confirmation during
//! RETRY_WAIT (the car came back) is ACTIVE too. Withdrawal outside the
//! window and maintenance lapses are "unchanged" rows: no event exists for
//! them, the use case refuses before the machine.

use caas_domain::purchase::flow::{next, notice_on_entry, PurchaseEffect as F, PurchaseEvent as E};
use caas_domain::purchase::PurchaseState::{self, *};

const EVENTS: [E; 19] = [
    E::StartReached,
    E::CustomerCancels,
    E::ChecksPassed,
    E::ChecksFailed,
    E::Authorized,
    E::Declined,
    E::FeatureEnabled,
    E::AttemptFailed {
        retryable: true,
        retries_left: true,
    },
    E::AttemptFailed {
        retryable: true,
        retries_left: false,
    },
    E::AttemptFailed {
        retryable: false,
        retries_left: true,
    },
    E::AttemptFailed {
        retryable: false,
        retries_left: false,
    },
    E::BackoffElapsed,
    E::FeatureConfirmedOff,
    E::PeriodEnded,
    E::WithdrawalAccepted,
    E::FeatureDisabled { withdrawal: false },
    E::FeatureDisabled { withdrawal: true },
    E::DeactivationExhausted { withdrawal: false },
    E::DeactivationExhausted { withdrawal: true },
];

/// The SPEC rows (state, event, next state).
fn rows() -> Vec<(PurchaseState, E, PurchaseState)> {
    vec![
        (Scheduled, E::StartReached, Requested),
        (Scheduled, E::CustomerCancels, Cancelled),
        (Requested, E::ChecksFailed, Rejected),
        (Requested, E::ChecksPassed, Authorizing),
        (Authorizing, E::Declined, PaymentDeclined),
        (Authorizing, E::Authorized, Activating),
        (Activating, E::FeatureEnabled, Active),
        (RetryWait, E::FeatureEnabled, Active),
        (
            Activating,
            E::AttemptFailed {
                retryable: true,
                retries_left: true,
            },
            RetryWait,
        ),
        (
            Activating,
            E::AttemptFailed {
                retryable: true,
                retries_left: false,
            },
            Activating,
        ),
        (
            Activating,
            E::AttemptFailed {
                retryable: false,
                retries_left: true,
            },
            Activating,
        ),
        (
            Activating,
            E::AttemptFailed {
                retryable: false,
                retries_left: false,
            },
            Activating,
        ),
        (RetryWait, E::BackoffElapsed, Activating),
        (Activating, E::FeatureConfirmedOff, FailedNotCharged),
        (Active, E::PeriodEnded, Deactivating),
        (Active, E::WithdrawalAccepted, Deactivating),
        (
            Deactivating,
            E::FeatureDisabled { withdrawal: false },
            Expired,
        ),
        (
            Deactivating,
            E::FeatureDisabled { withdrawal: true },
            Withdrawn,
        ),
        (
            Deactivating,
            E::DeactivationExhausted { withdrawal: false },
            Expired,
        ),
        (
            Deactivating,
            E::DeactivationExhausted { withdrawal: true },
            Withdrawn,
        ),
    ]
}

#[test]
fn every_purchase_state_and_event_pair_follows_the_spec_table() {
    let rows = rows();
    let mut pairs = 0;
    for state in PurchaseState::ALL {
        for event in EVENTS {
            let expected = rows
                .iter()
                .find(|(s, e, _)| *s == state && *e == event)
                .map(|(_, _, to)| *to);
            let got = next(state, event).map(|t| t.to);
            assert_eq!(got, expected, "{state:?} × {event:?}");
            pairs += 1;
        }
    }
    assert_eq!(pairs, 13 * 19);
}

#[test]
fn final_states_take_no_event() {
    for state in PurchaseState::ALL.into_iter().filter(|s| s.is_final()) {
        for event in EVENTS {
            assert!(next(state, event).is_none(), "{state:?} × {event:?}");
        }
    }
}

#[test]
fn money_moves_only_when_the_car_confirms_and_is_voided_when_it_does_not() {
    for state in PurchaseState::ALL {
        for event in EVENTS {
            let Some(t) = next(state, event) else {
                continue;
            };
            let captures = t.effects.contains(&F::Capture);
            assert_eq!(
                captures,
                event == E::FeatureEnabled,
                "{state:?} × {event:?}"
            );
            if t.to == FailedNotCharged {
                assert!(t.effects.contains(&F::Void) && t.effects.contains(&F::Escalate));
            }
            if t.effects.contains(&F::SendEnable) {
                assert!(matches!(t.to, Activating), "enable only when activating");
            }
        }
    }
    let declined = next(Authorizing, E::Declined).unwrap();
    assert!(
        !declined.effects.contains(&F::SendEnable),
        "no OTA after a decline"
    );
}

#[test]
fn the_notice_of_entering_a_state_is_the_transitions_notify_effect() {
    for state in PurchaseState::ALL {
        for event in EVENTS {
            let Some(t) = next(state, event) else {
                continue;
            };
            let notified = t.effects.iter().find_map(|e| match e {
                F::Notify(n) => Some(*n),
                _ => None,
            });
            assert_eq!(
                notice_on_entry(state, t.to),
                notified,
                "{state:?} × {event:?}"
            );
        }
    }
}
