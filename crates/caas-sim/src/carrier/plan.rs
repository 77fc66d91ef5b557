//! Outcome plans of a shipment: which handover and phone outcomes each home
//! delivery attempt has, turned into the timeline steps the carrier plays.
//! The custody rules (at most two attempts, return after the second failed
//! one) are enforced again when the steps are applied.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Named outcome plan, chosen per shipment by the scenario.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryPlan {
    /// Attempt 1 delivered.
    #[default]
    Delivered,
    /// Attempt 1 `customer_absent` → new window agreed → attempt 2 delivered.
    AbsentRescheduled,
    /// Attempt 1 `customer_absent` → `not_reachable` → back to the dealership.
    AbsentUnreachable,
    /// Attempt 1 `customer_absent` → `reached_cannot_accept` → back to the dealership.
    AbsentCannotAccept,
    /// Absent, window agreed, absent again → the call is reported, then back
    /// to the dealership.
    AbsentTwice,
    /// Attempt 1 `identity_check_failed` → new window agreed → attempt 2 delivered.
    IdentityFailedRescheduled,
    /// Attempt 1 `identity_check_failed` → `not_reachable` → back to the dealership.
    IdentityFailedUnreachable,
}

/// Outcome of a home delivery attempt (`shipment.delivery_attempted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handover {
    /// Handed over after a matching identity check.
    Delivered,
    /// Nobody at the address.
    CustomerAbsent,
    /// The document shown did not match the recipient.
    IdentityCheckFailed,
}

impl Handover {
    /// Contract value of `outcome`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::CustomerAbsent => "customer_absent",
            Self::IdentityCheckFailed => "identity_check_failed",
        }
    }
}

/// Outcome of the phone contact after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `reached_new_window_agreed`.
    NewWindowAgreed,
    /// `reached_cannot_accept`.
    CannotAccept,
    /// `not_reachable`.
    NotReachable,
}

impl Call {
    /// Contract value of `outcome`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewWindowAgreed => "reached_new_window_agreed",
            Self::CannotAccept => "reached_cannot_accept",
            Self::NotReachable => "not_reachable",
        }
    }

    /// Calls the driver made (up to 3 within 30 min).
    pub fn call_attempts(self) -> u32 {
        match self {
            Self::NewWindowAgreed => 2,
            Self::CannotAccept => 1,
            Self::NotReachable => 3,
        }
    }
}

/// One step of a shipment's timeline (one webhook each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `shipment.embarked`.
    Embark,
    /// `shipment.arrived`.
    Arrive,
    /// `shipment.delivery_attempted`.
    Attempt(Handover),
    /// `shipment.phone_contact`.
    Phone(Call),
    /// `shipment.returned_to_dealership`.
    Return,
    /// `shipment.received_at_dealership` (only with `auto_receive_at_dealership`).
    Receive,
}

impl DeliveryPlan {
    /// The failed attempts of this plan (handover outcome and the call that
    /// follows), and whether a successful attempt comes after them.
    fn failures(self) -> (Vec<(Handover, Call)>, bool) {
        use Call::*;
        use Handover::*;
        match self {
            Self::Delivered => (vec![], true),
            Self::AbsentRescheduled => (vec![(CustomerAbsent, NewWindowAgreed)], true),
            Self::AbsentUnreachable => (vec![(CustomerAbsent, NotReachable)], false),
            Self::AbsentCannotAccept => (vec![(CustomerAbsent, CannotAccept)], false),
            Self::AbsentTwice => (vec![(CustomerAbsent, NewWindowAgreed); 2], false),
            Self::IdentityFailedRescheduled => (vec![(IdentityCheckFailed, NewWindowAgreed)], true),
            Self::IdentityFailedUnreachable => (vec![(IdentityCheckFailed, NotReachable)], false),
        }
    }

    /// The timeline steps: per attempt embark, arrive, attempt and (after a
    /// failure) the phone contact; a return ends the plan. Never more than
    /// two attempts.
    pub fn steps(self) -> VecDeque<Step> {
        let trip = |handover| [Step::Embark, Step::Arrive, Step::Attempt(handover)];
        let (failures, then_delivered) = self.failures();
        let mut steps = VecDeque::new();
        for (n, (handover, call)) in failures.into_iter().take(2).enumerate() {
            steps.extend(trip(handover));
            steps.push_back(Step::Phone(call));
            if n == 1 || call != Call::NewWindowAgreed {
                steps.push_back(Step::Return);
                return steps;
            }
        }
        if then_delivered {
            steps.extend(trip(Handover::Delivered));
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(plan: DeliveryPlan) -> Vec<&'static str> {
        plan.steps()
            .iter()
            .map(|s| match s {
                Step::Embark => "embark",
                Step::Arrive => "arrive",
                Step::Attempt(h) => h.as_str(),
                Step::Phone(c) => c.as_str(),
                Step::Return => "return",
                Step::Receive => "receive",
            })
            .collect()
    }

    #[test]
    fn carrier_plans_never_exceed_two_attempts_and_end_in_custody() {
        assert_eq!(
            names(DeliveryPlan::Delivered),
            ["embark", "arrive", "delivered"]
        );
        assert_eq!(
            names(DeliveryPlan::AbsentRescheduled),
            [
                "embark",
                "arrive",
                "customer_absent",
                "reached_new_window_agreed",
                "embark",
                "arrive",
                "delivered"
            ]
        );
        assert_eq!(
            names(DeliveryPlan::AbsentUnreachable),
            [
                "embark",
                "arrive",
                "customer_absent",
                "not_reachable",
                "return"
            ]
        );
        assert_eq!(
            names(DeliveryPlan::AbsentTwice),
            [
                "embark",
                "arrive",
                "customer_absent",
                "reached_new_window_agreed",
                "embark",
                "arrive",
                "customer_absent",
                "reached_new_window_agreed",
                "return"
            ]
        );
        assert_eq!(
            names(DeliveryPlan::IdentityFailedRescheduled)[2..4],
            ["identity_check_failed", "reached_new_window_agreed"]
        );
    }
}
