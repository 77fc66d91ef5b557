//! The delivery half of SPEC §4.1 ("Vehicle order and delivery", from the
//! factory leg's embarkation on) as an exhaustive state × event table for
//! [`caas_domain::delivery_flow::transition`]: every [`OrderState`] against
//! every [`DeliveryEvent`]. The same table is checked through
//! [`caas_domain::order_flow::transition`], which hands these events on.
//!
//! Where the rows come from: the §4.1 table (IN_PRODUCTION "Vehicle
//! embarked" to "App linked"), the SALE_REGISTERED "Señal captured, stock
//! vehicle" row (SALE-6), DLV-1 (embarkation from staff entry), DLV-3 (home
//! delivery is scheduled only in REGISTERED), DLV-4/5 (arrival and failed
//! attempts are recorded, the phone call decides), DLV-7 (only the
//! dealership's reception ends a return), OP-2 (one declined final payment
//! does not lose the reservation) and the NOTIF matrix. A pair no SPEC row
//! or requirement admits is expected refused.
//!
//! Cells (see `common`): `XX` refused, `HI` history only, `IG` ignored,
//! two capitals = the next state. Pairs where the code differs from the
//! SPEC carry a `DISAGREES WITH SPEC` comment and assert the code's
//! current behaviour.

use crate::state_table::*;
use caas_domain::delivery_flow::{transition, DeliveryEvent as E};
use caas_domain::notification::NotificationKind as N;
use caas_domain::order::OrderState::{self, *};
use caas_domain::order_flow::{self, OrderEffect, OrderEffect::*, OrderEvent};

/// Every delivery event.
const EVENTS: [E; 23] = [
    E::FactoryLegEmbarked,
    E::DealershipReception,
    E::StockSenalCaptured,
    E::FinalPaymentDeclined,
    E::FinalPaymentSettled,
    E::DeadlinePassed,
    E::StaffRecordedCannotPay,
    E::RegistrationSucceeded,
    E::RegistrationRefused,
    E::RegistrationResubmitted,
    E::DeliveryBooked,
    E::CarrierEmbarked,
    E::CarrierArrived,
    E::HandedOverAtHome,
    E::AttemptFailed,
    E::NewWindowAgreed,
    E::ReturnToDealership,
    E::CarrierDroppedAtDealership,
    E::ReturnReceived,
    E::CollectedAtDealership,
    E::RedeliveryRequested,
    E::AppLinked,
    E::AppLinkFailed,
];

/// The table. No wildcard: a new delivery event fails to compile until it
/// has a row.
#[rustfmt::skip]
fn row(event: &E) -> [Cell; N] {
    match event {
        //                             SR  RS  FP  OJ  OD  IP  IT  AF  PD  RI  RG  OF  RT  HD  DL  OP  RL  CN
        E::FactoryLegEmbarked =>      [XX, XX, XX, XX, IT, IT, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::DealershipReception =>     [XX, XX, XX, XX, XX, XX, AF, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::StockSenalCaptured =>      [AF, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        // DISAGREES WITH SPEC §4.1: "AWAITING_FINAL_PAYMENT + Payment declined ->
        // unchanged; Notify; retry allowed"; the code keeps the state but only records
        // it (no notification effect). caas-app does not send this event today.
        E::FinalPaymentDeclined =>    [XX, XX, XX, XX, XX, XX, XX, HI, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::FinalPaymentSettled =>     [XX, XX, XX, XX, XX, XX, XX, PD, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::DeadlinePassed =>          [XX, XX, XX, XX, XX, XX, XX, RL, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::StaffRecordedCannotPay =>  [XX, XX, XX, XX, XX, XX, XX, RL, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::RegistrationSucceeded =>   [XX, XX, XX, XX, XX, XX, XX, XX, RG, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::RegistrationRefused =>     [XX, XX, XX, XX, XX, XX, XX, XX, RI, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::RegistrationResubmitted => [XX, XX, XX, XX, XX, XX, XX, XX, XX, PD, XX, XX, XX, XX, XX, XX, XX, XX],
        E::DeliveryBooked =>          [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, RG, XX, XX, XX, XX, XX, XX, XX],
        E::CarrierEmbarked =>         [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, OF, XX, XX, XX, XX, XX, XX, XX],
        E::CarrierArrived =>          [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, HI, XX, XX, XX, XX, XX, XX],
        E::HandedOverAtHome =>        [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, DL, XX, XX, XX, XX, XX, XX],
        E::AttemptFailed =>           [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, HI, XX, XX, XX, XX, XX, XX],
        E::NewWindowAgreed =>         [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, RG, XX, XX, XX, XX, XX, XX],
        E::ReturnToDealership =>      [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, RT, XX, XX, XX, XX, XX, XX],
        E::CarrierDroppedAtDealership =>
                                      [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, HI, XX, XX, XX, XX, XX],
        E::ReturnReceived =>          [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, HD, XX, XX, XX, XX, XX],
        E::CollectedAtDealership =>   [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, DL, XX, XX, XX, XX],
        E::RedeliveryRequested =>     [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, RG, XX, XX, XX, XX],
        E::AppLinked =>               [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, OP, XX, XX, XX],
        E::AppLinkFailed =>           [XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, HI, XX, XX, XX],
    }
}

fn via_order_flow(state: OrderState, event: &E) -> Option<(OrderState, Vec<OrderEffect>)> {
    order_flow::transition(state, &OrderEvent::Delivery(event.clone())).ok()
}

#[test]
fn every_state_has_one_column_in_the_delivery_table() {
    assert_columns_cover_every_state();
}

#[test]
fn every_delivery_event_is_listed_once() {
    for (i, a) in EVENTS.iter().enumerate() {
        assert!(!EVENTS[i + 1..].contains(a), "{a:?} listed twice");
    }
}

#[test]
fn every_state_and_delivery_event_pair_has_the_outcome_of_the_table() {
    assert_eq!(assert_table(&EVENTS, row, transition), 18 * 23);
}

#[test]
fn the_order_flow_hands_every_delivery_pair_to_the_same_table() {
    assert_eq!(assert_table(&EVENTS, row, via_order_flow), 18 * 23);
}

/// The side effects §4.1 (and the NOTIF matrix) name for the delivery rows.
fn key_effects() -> Vec<KeyEffects<E>> {
    let k = |state, event, has: Vec<OrderEffect>, lacks: Vec<OrderEffect>| KeyEffects {
        state,
        event,
        has,
        lacks,
    };
    vec![
        // VIN, carrier, embarkation recorded; notify.
        k(
            InProduction,
            E::FactoryLegEmbarked,
            vec![Notify(N::ManufacturingMilestone)],
            vec![],
        ),
        // "Available" notice; final-payment request; deadline starts.
        k(
            InTransitToDealership,
            E::DealershipReception,
            vec![RequestFinalPayment, Notify(N::VehicleAvailable)],
            vec![],
        ),
        // Señal invoice; final-payment request and deadline; "payment
        // confirmed" (NOTIF matrix) and "vehicle available, final payment due".
        k(
            SaleRegistered,
            E::StockSenalCaptured,
            vec![
                RequestFinalPayment,
                Notify(N::PaymentConfirmed),
                Notify(N::VehicleAvailable),
            ],
            vec![],
        ),
        // Invoice; registration starts; "payment confirmed".
        k(
            AwaitingFinalPayment,
            E::FinalPaymentSettled,
            vec![StartRegistration, Notify(N::PaymentConfirmed)],
            vec![],
        ),
        // Vehicle SIN_ASIGNAR; notify.
        k(
            AwaitingFinalPayment,
            E::DeadlinePassed,
            vec![ReleaseVehicle, Notify(N::ReservationLost)],
            vec![],
        ),
        k(
            AwaitingFinalPayment,
            E::StaffRecordedCannotPay,
            vec![ReleaseVehicle, Notify(N::ReservationLost)],
            vec![],
        ),
        // Plate and documents stored; notify.
        k(
            Paid,
            E::RegistrationSucceeded,
            vec![Notify(N::RegistrationDone)],
            vec![],
        ),
        // Dealership alerted; customer told of the delay.
        k(
            Paid,
            E::RegistrationRefused,
            vec![
                AlertStaff("registration_issue"),
                Notify(N::RegistrationDelayed),
            ],
            vec![],
        ),
        // New attempt.
        k(
            RegistrationIssue,
            E::RegistrationResubmitted,
            vec![StartRegistration],
            vec![],
        ),
        // "Delivery scheduled" (NOTIF matrix); carrier embarks: notify.
        k(
            Registered,
            E::DeliveryBooked,
            vec![Notify(N::DeliveryScheduled)],
            vec![],
        ),
        k(
            Registered,
            E::CarrierEmbarked,
            vec![Notify(N::DeliveryScheduled)],
            vec![],
        ),
        // Handover: plan options confirmed by state query (DLV-11).
        k(
            OutForDelivery,
            E::HandedOverAtHome,
            vec![HandoverCheck],
            vec![],
        ),
        k(
            HeldAtDealership,
            E::CollectedAtDealership,
            vec![HandoverCheck],
            vec![],
        ),
        // New slot agreed: notify slot.
        k(
            OutForDelivery,
            E::NewWindowAgreed,
            vec![Notify(N::DeliveryScheduled)],
            vec![],
        ),
        // "Collect at dealership" notice; then address and hours.
        k(
            OutForDelivery,
            E::ReturnToDealership,
            vec![Notify(N::CollectAtDealership)],
            vec![],
        ),
        k(
            ReturningToDealership,
            E::ReturnReceived,
            vec![Notify(N::CollectAtDealership)],
            vec![],
        ),
        // App linked: notify; purchases enabled.
        k(
            Delivered,
            E::AppLinked,
            vec![Notify(N::VehicleOperational)],
            vec![],
        ),
    ]
}

#[test]
fn the_delivery_rows_have_the_side_effects_the_spec_names() {
    assert_key_effects(&key_effects(), transition);
}
