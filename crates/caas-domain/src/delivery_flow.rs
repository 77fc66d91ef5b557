//! SPEC §4.1 from IN_TRANSIT_TO_DEALERSHIP on, as a pure function. Called
//! from [`crate::order_flow::transition`] for [`DeliveryEvent`]s. Every
//! state holds the vehicle with someone: the factory's carrier, the
//! dealership, the home-delivery carrier or the identified customer.

use crate::notification::NotificationKind as N;
use crate::order::OrderState;
use crate::order_flow::OrderEffect;

/// Events of the delivery half.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryEvent {
    /// Staff recorded the factory leg's embarkation (DLV-1) when the
    /// factory's own dispatch event did not come.
    FactoryLegEmbarked,
    /// Staff recorded the reception of the new vehicle (DLV-1/2).
    DealershipReception,
    /// The señal of a sale on a stock vehicle was captured (SALE-6).
    StockSenalCaptured,
    /// A final-payment attempt was declined (retry allowed).
    FinalPaymentDeclined,
    /// The gateway confirmed settlement of the final payment (PAY-6).
    FinalPaymentSettled,
    /// The deadline passed unpaid (PAY-5).
    DeadlinePassed,
    /// Staff recorded that the customer cannot pay (PAY-5).
    StaffRecordedCannotPay,
    /// The registry registered the vehicle.
    RegistrationSucceeded,
    /// The registry refused, or transient retries ran out.
    RegistrationRefused,
    /// Staff corrected the data and resubmit.
    RegistrationResubmitted,
    /// The carrier booked the home delivery (slot known).
    DeliveryBooked,
    /// The carrier embarked the vehicle for the customer's home.
    CarrierEmbarked,
    /// The carrier reached the address (recorded, no state change).
    CarrierArrived,
    /// Handed over after a matching identity check.
    HandedOverAtHome,
    /// Handover failed (absent, identity check failed); phone call follows.
    AttemptFailed,
    /// Customer reached by phone, new window agreed.
    NewWindowAgreed,
    /// Unreachable, cannot accept, or the last allowed attempt failed.
    ReturnToDealership,
    /// The carrier dropped it at the dealership (custody not yet transferred).
    CarrierDroppedAtDealership,
    /// The dealership recorded the return reception (DLV-7).
    ReturnReceived,
    /// The customer collected it at the dealership, identity verified.
    CollectedAtDealership,
    /// The customer asked for a new home delivery (from HELD_AT_DEALERSHIP).
    RedeliveryRequested,
    /// The car confirmed the customer's app key (DLV-9).
    AppLinked,
    /// The key could not be installed (DLV-10: handover not blocked).
    AppLinkFailed,
}

/// Applies a delivery event; `None` when not allowed in `state`.
pub fn transition(
    state: OrderState,
    event: &DeliveryEvent,
) -> Option<(OrderState, Vec<OrderEffect>)> {
    use DeliveryEvent as E;
    use OrderEffect::*;
    use OrderState::*;
    let out = match (state, event) {
        (Ordered | InProduction, E::FactoryLegEmbarked) => (
            InTransitToDealership,
            vec![RecordTimeline, Notify(N::ManufacturingMilestone)],
        ),
        (InTransitToDealership, E::DealershipReception) => (
            AwaitingFinalPayment,
            vec![
                RecordTimeline,
                RequestFinalPayment,
                Notify(N::VehicleAvailable),
            ],
        ),
        // A stock señal is one fact told by two matrix rows: the payment is
        // confirmed and, the vehicle being here, the final payment is due.
        (SaleRegistered, E::StockSenalCaptured) => (
            AwaitingFinalPayment,
            vec![
                RecordTimeline,
                RequestFinalPayment,
                Notify(N::PaymentConfirmed),
                Notify(N::VehicleAvailable),
            ],
        ),
        (AwaitingFinalPayment, E::FinalPaymentDeclined) => {
            (AwaitingFinalPayment, vec![RecordTimeline])
        }
        (AwaitingFinalPayment, E::FinalPaymentSettled) => (
            Paid,
            vec![
                RecordTimeline,
                Notify(N::PaymentConfirmed),
                StartRegistration,
            ],
        ),
        (AwaitingFinalPayment, E::DeadlinePassed | E::StaffRecordedCannotPay) => (
            ReservationLost,
            vec![RecordTimeline, ReleaseVehicle, Notify(N::ReservationLost)],
        ),
        (Paid, E::RegistrationSucceeded) => (
            Registered,
            vec![RecordTimeline, Notify(N::RegistrationDone), BookDelivery],
        ),
        (Paid, E::RegistrationRefused) => (
            RegistrationIssue,
            vec![
                RecordTimeline,
                AlertStaff("registration_issue"),
                Notify(N::RegistrationDelayed),
            ],
        ),
        (RegistrationIssue, E::RegistrationResubmitted) => {
            (Paid, vec![RecordTimeline, StartRegistration])
        }
        (Registered, E::DeliveryBooked) => (
            Registered,
            vec![RecordTimeline, Notify(N::DeliveryScheduled)],
        ),
        (Registered, E::CarrierEmbarked) => (
            OutForDelivery,
            vec![RecordTimeline, Notify(N::DeliveryScheduled)],
        ),
        (OutForDelivery, E::CarrierArrived | E::AttemptFailed) => {
            (OutForDelivery, vec![RecordTimeline])
        }
        (OutForDelivery, E::HandedOverAtHome) => (Delivered, vec![RecordTimeline, HandoverCheck]),
        (OutForDelivery, E::NewWindowAgreed) => (
            Registered,
            vec![RecordTimeline, Notify(N::DeliveryScheduled)],
        ),
        (OutForDelivery, E::ReturnToDealership) => (
            ReturningToDealership,
            vec![RecordTimeline, Notify(N::CollectAtDealership)],
        ),
        (ReturningToDealership, E::CarrierDroppedAtDealership) => {
            (ReturningToDealership, vec![RecordTimeline])
        }
        (ReturningToDealership, E::ReturnReceived) => (
            HeldAtDealership,
            vec![RecordTimeline, Notify(N::CollectAtDealership)],
        ),
        (HeldAtDealership, E::CollectedAtDealership) => {
            (Delivered, vec![RecordTimeline, HandoverCheck])
        }
        (HeldAtDealership, E::RedeliveryRequested) => {
            (Registered, vec![RecordTimeline, BookDelivery])
        }
        (Delivered, E::AppLinked) => (
            Operational,
            vec![RecordTimeline, Notify(N::VehicleOperational)],
        ),
        (Delivered, E::AppLinkFailed) => (Delivered, vec![RecordTimeline]),
        _ => return None,
    };
    Some(out)
}

/// The §4.1 invariant on attendance: every state holds the vehicle with
/// someone identifiable. Listed so tests can check that no state escapes.
pub fn custodian(state: OrderState) -> &'static str {
    use OrderState::*;
    match state {
        SaleRegistered | Reserved | FactoryOrderPending | OrderRejected | Ordered
        | InProduction | Cancelled => "factory",
        InTransitToDealership => "factory_carrier",
        AwaitingFinalPayment | Paid | RegistrationIssue | Registered | HeldAtDealership
        | ReservationLost => "dealership",
        OutForDelivery | ReturningToDealership => "carrier",
        Delivered | Operational => "customer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeliveryEvent as E;

    fn run(mut s: OrderState, events: &[E]) -> OrderState {
        for e in events {
            s = transition(s, e)
                .unwrap_or_else(|| panic!("{e:?} refused in {s:?}"))
                .0;
        }
        s
    }

    #[test]
    fn the_home_delivery_path_ends_operational() {
        let s = run(
            OrderState::InTransitToDealership,
            &[
                E::DealershipReception,
                E::FinalPaymentDeclined,
                E::FinalPaymentSettled,
                E::RegistrationSucceeded,
                E::DeliveryBooked,
                E::CarrierEmbarked,
                E::CarrierArrived,
                E::HandedOverAtHome,
                E::AppLinkFailed,
                E::AppLinked,
            ],
        );
        assert_eq!(s, OrderState::Operational);
    }

    #[test]
    fn an_absent_customer_is_rescheduled_or_collects_at_the_dealership() {
        let s = run(
            OrderState::Registered,
            &[
                E::CarrierEmbarked,
                E::AttemptFailed,
                E::NewWindowAgreed,
                E::CarrierEmbarked,
            ],
        );
        assert_eq!(s, OrderState::OutForDelivery);
        let s = run(
            s,
            &[
                E::AttemptFailed,
                E::ReturnToDealership,
                E::CarrierDroppedAtDealership,
                E::ReturnReceived,
                E::CollectedAtDealership,
            ],
        );
        assert_eq!(s, OrderState::Delivered);
    }

    #[test]
    fn no_registration_without_a_settled_final_payment() {
        for s in OrderState::ALL {
            if let Some((next, _)) = transition(s, &E::RegistrationSucceeded) {
                assert_eq!((s, next), (OrderState::Paid, OrderState::Registered));
            }
        }
        assert!(transition(OrderState::AwaitingFinalPayment, &E::RegistrationSucceeded).is_none());
    }

    #[test]
    fn only_the_deadline_or_staff_lose_the_reservation_and_release_the_vehicle() {
        let (s, fx) = transition(OrderState::AwaitingFinalPayment, &E::DeadlinePassed).unwrap();
        assert_eq!(s, OrderState::ReservationLost);
        assert!(fx.contains(&OrderEffect::ReleaseVehicle));
        assert!(transition(OrderState::Paid, &E::DeadlinePassed).is_none());
        assert!(transition(OrderState::ReservationLost, &E::FinalPaymentSettled).is_none());
    }

    #[test]
    fn a_refused_registration_alerts_staff_and_tells_the_customer() {
        let (s, fx) = transition(OrderState::Paid, &E::RegistrationRefused).unwrap();
        assert_eq!(s, OrderState::RegistrationIssue);
        assert!(fx.contains(&OrderEffect::AlertStaff("registration_issue")));
        assert!(fx.contains(&OrderEffect::Notify(N::RegistrationDelayed)));
        let (s, fx) = transition(s, &E::RegistrationResubmitted).unwrap();
        assert_eq!(s, OrderState::Paid);
        assert!(fx.contains(&OrderEffect::StartRegistration));
    }

    #[test]
    fn a_carrier_drop_off_alone_does_not_transfer_custody() {
        let (s, _) = transition(
            OrderState::ReturningToDealership,
            &E::CarrierDroppedAtDealership,
        )
        .unwrap();
        assert_eq!(s, OrderState::ReturningToDealership);
        assert_eq!(custodian(s), "carrier");
    }
}
