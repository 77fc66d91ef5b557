//! The order state machine of SPEC §4.1 as a pure function: `(state, event)
//! -> (state, effects)`. The application layer carries out the effects
//! (jobs, notifications, staff alerts) in the same transaction.

pub use crate::delivery_flow::DeliveryEvent;
use crate::factory_event::FactoryEventKind;
use crate::notification::NotificationKind;
use crate::order::OrderState;
use crate::DomainError;

/// Something that happened to an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderEvent {
    /// The señal was captured.
    SenalCaptured,
    /// The factory answered 201 (or the order was found after a lost answer).
    FactoryAccepted,
    /// The factory answered 422.
    FactoryRejected,
    /// Timeout, 5xx or 429: still trying.
    FactoryUnavailable,
    /// Retries ran out.
    FactoryRetriesExhausted,
    /// Staff corrected the order and resubmit it.
    StaffResubmitted,
    /// Staff cancelled the sale.
    StaffCancelled,
    /// A factory webhook event, applied in sequence order.
    Factory(FactoryEventKind),
    /// Something of the delivery half (from the dealership on).
    Delivery(DeliveryEvent),
}

/// What the application must do after a transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderEffect {
    /// Enqueue the factory order placement.
    PlaceFactoryOrder,
    /// Notify the customer.
    Notify(NotificationKind),
    /// Alert staff of the dealership.
    AlertStaff(&'static str),
    /// Append the event to the expediente timeline.
    RecordTimeline,
    /// Set the final-payment terms and schedule the reminders and deadline.
    RequestFinalPayment,
    /// Enqueue the registration call.
    StartRegistration,
    /// Enqueue the home-delivery booking.
    BookDelivery,
    /// Set the vehicle sin asignar and revoke its keys (PAY-5, MOB-6).
    ReleaseVehicle,
    /// Confirm the plan options by state query (DLV-11).
    HandoverCheck,
    /// Refund the captured señal (a sale cancelled after a refused factory order).
    RefundSenal,
}

fn refuse(state: OrderState, event: &OrderEvent) -> DomainError {
    DomainError::Transition(format!("{event:?} is not allowed in {}", state.as_str()))
}

/// Applies `event` to an order in `state`.
pub fn transition(
    state: OrderState,
    event: &OrderEvent,
) -> Result<(OrderState, Vec<OrderEffect>), DomainError> {
    use OrderEffect::*;
    use OrderState::*;
    let out = match (state, event) {
        (SaleRegistered, OrderEvent::SenalCaptured) => (
            Reserved,
            vec![
                RecordTimeline,
                PlaceFactoryOrder,
                Notify(NotificationKind::PaymentConfirmed),
            ],
        ),
        (SaleRegistered, OrderEvent::StaffCancelled) => (
            Cancelled,
            vec![RecordTimeline, Notify(NotificationKind::SaleCancelled)],
        ),
        (Reserved | FactoryOrderPending, OrderEvent::FactoryAccepted) => (
            Ordered,
            vec![RecordTimeline, Notify(NotificationKind::FactoryOrderPlaced)],
        ),
        (Reserved | FactoryOrderPending, OrderEvent::FactoryRejected) => (
            OrderRejected,
            vec![RecordTimeline, AlertStaff("factory_order_rejected")],
        ),
        (Reserved, OrderEvent::FactoryUnavailable) => (FactoryOrderPending, vec![]),
        (FactoryOrderPending, OrderEvent::FactoryUnavailable) => (FactoryOrderPending, vec![]),
        (Reserved | FactoryOrderPending, OrderEvent::FactoryRetriesExhausted) => (
            FactoryOrderPending,
            vec![AlertStaff("factory_order_retries_exhausted")],
        ),
        (OrderRejected, OrderEvent::StaffResubmitted) => {
            (Reserved, vec![RecordTimeline, PlaceFactoryOrder])
        }
        (FactoryOrderPending, OrderEvent::StaffResubmitted) => {
            (FactoryOrderPending, vec![PlaceFactoryOrder])
        }
        (OrderRejected, OrderEvent::StaffCancelled) => (
            Cancelled,
            vec![
                RecordTimeline,
                RefundSenal,
                Notify(NotificationKind::SaleCancelled),
            ],
        ),
        (s, OrderEvent::Factory(kind)) => return factory_milestone(s, kind, event),
        (s, OrderEvent::Delivery(d)) => {
            return crate::delivery_flow::transition(s, d).ok_or_else(|| refuse(state, event))
        }
        _ => return Err(refuse(state, event)),
    };
    Ok(out)
}

fn factory_milestone(
    state: OrderState,
    kind: &FactoryEventKind,
    event: &OrderEvent,
) -> Result<(OrderState, Vec<OrderEffect>), DomainError> {
    use FactoryEventKind as K;
    use OrderEffect::*;
    use OrderState::*;
    let milestone = vec![
        RecordTimeline,
        Notify(NotificationKind::ManufacturingMilestone),
    ];
    // Events arrive only for orders the factory holds; a 201 that is not yet
    // recorded (Reserved/Pending) is implied by the event itself.
    let building = matches!(
        state,
        Reserved | FactoryOrderPending | Ordered | InProduction
    );
    // Late factory news once the car is at the dealership (or beyond) is
    // history only: no state change, no notification.
    let past_dealership = !building
        && !matches!(
            state,
            InTransitToDealership | OrderRejected | Cancelled | SaleRegistered
        );
    let out = match kind {
        K::Unknown(_) => (state, vec![]),
        K::EstimateRevised | K::VehicleDispatched | K::VehicleAvailable if past_dealership => {
            (state, vec![RecordTimeline])
        }
        // Acceptance and scheduling after production started are older than
        // the stored state (MFG-7): history only, the customer is not told again.
        K::Accepted | K::ProductionScheduled
            if matches!(state, InProduction | InTransitToDealership) =>
        {
            (state, vec![RecordTimeline])
        }
        K::Accepted | K::ProductionScheduled | K::EstimateRevised
            if building || state == InTransitToDealership =>
        {
            let next = if matches!(state, Reserved | FactoryOrderPending) {
                Ordered
            } else {
                state
            };
            (next, milestone)
        }
        K::ProductionStarted
        | K::AssemblyCompleted
        | K::QualityControlPassed
        | K::QualityControlFailed
        | K::VehicleCompleted
            if building =>
        {
            (InProduction, milestone)
        }
        K::VehicleDispatched if building || state == InTransitToDealership => {
            (InTransitToDealership, milestone)
        }
        K::VehicleAvailable if building || state == InTransitToDealership => {
            (InTransitToDealership, milestone)
        }
        K::Cancelled if matches!(state, Reserved | FactoryOrderPending | Ordered) => (
            OrderRejected,
            vec![
                RecordTimeline,
                AlertStaff("factory_order_cancelled"),
                Notify(NotificationKind::ManufacturingMilestone),
            ],
        ),
        K::Cancelled if state == Cancelled => (Cancelled, vec![RecordTimeline]),
        _ => return Err(refuse(state, event)),
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use FactoryEventKind as K;

    fn run(mut s: OrderState, events: &[OrderEvent]) -> OrderState {
        for e in events {
            s = transition(s, e).unwrap().0;
        }
        s
    }

    #[test]
    fn cancelling_after_a_refused_factory_order_refunds_the_senal_and_tells_the_customer() {
        let (next, fx) =
            transition(OrderState::OrderRejected, &OrderEvent::StaffCancelled).unwrap();
        assert_eq!(next, OrderState::Cancelled);
        assert!(fx.contains(&OrderEffect::RefundSenal));
        assert!(fx.contains(&OrderEffect::Notify(NotificationKind::SaleCancelled)));
        let (_, fx) = transition(OrderState::SaleRegistered, &OrderEvent::StaffCancelled).unwrap();
        assert!(
            !fx.contains(&OrderEffect::RefundSenal),
            "no señal to refund"
        );
        assert!(transition(OrderState::Ordered, &OrderEvent::StaffCancelled).is_err());
    }

    #[test]
    fn late_factory_news_after_the_reception_is_history_only() {
        use crate::order_flow::OrderEffect::RecordTimeline;
        for state in [
            OrderState::AwaitingFinalPayment,
            OrderState::OutForDelivery,
            OrderState::Operational,
            OrderState::ReservationLost,
        ] {
            for k in [
                K::VehicleAvailable,
                K::VehicleDispatched,
                K::EstimateRevised,
            ] {
                let (next, effects) = transition(state, &OrderEvent::Factory(k)).unwrap();
                assert_eq!((next, effects), (state, vec![RecordTimeline]));
            }
        }
        let built = OrderEvent::Factory(K::VehicleCompleted);
        assert!(transition(OrderState::AwaitingFinalPayment, &built).is_err());
    }

    #[test]
    fn the_happy_path_reaches_the_dealership() {
        let s = run(
            OrderState::SaleRegistered,
            &[
                OrderEvent::SenalCaptured,
                OrderEvent::FactoryAccepted,
                OrderEvent::Factory(K::Accepted),
                OrderEvent::Factory(K::ProductionScheduled),
                OrderEvent::Factory(K::ProductionStarted),
                OrderEvent::Factory(K::AssemblyCompleted),
                OrderEvent::Factory(K::QualityControlFailed),
                OrderEvent::Factory(K::AssemblyCompleted),
                OrderEvent::Factory(K::QualityControlPassed),
                OrderEvent::Factory(K::VehicleCompleted),
                OrderEvent::Factory(K::VehicleDispatched),
                OrderEvent::Factory(K::VehicleAvailable),
            ],
        );
        assert_eq!(s, OrderState::InTransitToDealership);
    }

    #[test]
    fn the_senal_places_the_factory_order_and_confirms_the_payment() {
        let (s, fx) = transition(OrderState::SaleRegistered, &OrderEvent::SenalCaptured).unwrap();
        assert_eq!(s, OrderState::Reserved);
        assert!(fx.contains(&OrderEffect::PlaceFactoryOrder));
        assert!(fx.contains(&OrderEffect::Notify(NotificationKind::PaymentConfirmed)));
    }

    #[test]
    fn a_rejection_alerts_staff_and_resubmission_places_again() {
        let (s, fx) = transition(OrderState::Reserved, &OrderEvent::FactoryRejected).unwrap();
        assert_eq!(s, OrderState::OrderRejected);
        assert!(fx.contains(&OrderEffect::AlertStaff("factory_order_rejected")));
        let (s, fx) = transition(s, &OrderEvent::StaffResubmitted).unwrap();
        assert_eq!(
            (s, fx.contains(&OrderEffect::PlaceFactoryOrder)),
            (OrderState::Reserved, true)
        );
    }

    #[test]
    fn a_second_senal_or_a_cancel_after_the_order_is_refused() {
        assert!(transition(OrderState::Reserved, &OrderEvent::SenalCaptured).is_err());
        assert!(transition(OrderState::Ordered, &OrderEvent::StaffCancelled).is_err());
        assert!(transition(
            OrderState::SaleRegistered,
            &OrderEvent::Factory(K::ProductionStarted)
        )
        .is_err());
    }

    #[test]
    fn unknown_factory_events_change_nothing() {
        let (s, fx) = transition(
            OrderState::InProduction,
            &OrderEvent::Factory(K::Unknown("order.painted".into())),
        )
        .unwrap();
        assert_eq!((s, fx.len()), (OrderState::InProduction, 0));
    }
}
