//! The order half of SPEC §4.1 ("Vehicle order and delivery") as an
//! exhaustive state × event table for
//! [`caas_domain::order_flow::transition`]: every [`OrderState`] against
//! every [`OrderEvent`] of the order's own and every factory webhook kind
//! ([`FactoryEventKind`]). The delivery events, which `transition` hands to
//! `delivery_flow`, have their own table in `delivery_states.rs`.
//!
//! Where the rows come from: the §4.1 table (SALE_REGISTERED to
//! IN_TRANSIT_TO_DEALERSHIP), MFG-3/4/5 (acceptance, validation error,
//! retries), MFG-7 and §5.2 (out-of-order factory news never overwrites a
//! newer state: it is ignored), MFG-9 and NOTIF-1 (every revised estimate
//! is notified) and SALE-7 (staff cancel only an unpaid sale). A pair no
//! SPEC row or requirement admits is expected refused.
//!
//! Readings taken where the SPEC is not explicit:
//! - a factory status notification for an order still RESERVED or
//!   FACTORY_ORDER_PENDING implies the factory accepted it (MFG-3) and then
//!   applies; news that skips milestones (embarked while ORDERED) is
//!   tolerated (MFG-7 "out-of-order arrival");
//! - "ignored" stale factory news may be refused (the receiver marks the
//!   inbound event ignored) or kept as history only: neither changes the
//!   state nor notifies, so both agree with §5.2;
//! - `order.accepted` is the factory's "confirmed" status (§5.2), i.e. the
//!   "Factory accepts" row, not a manufacturing milestone;
//! - after the dealership reception the factory's estimate no longer
//!   matters, so a revision there is history only.
//!
//! Cells (see `common`): `XX` refused, `HI` history only, `IG` ignored,
//! two capitals = the next state. Pairs where the code differs from the
//! SPEC carry a `DISAGREES WITH SPEC` comment and assert the code's
//! current behaviour.

use crate::state_table::*;
use caas_domain::factory_event::FactoryEventKind as K;
use caas_domain::notification::NotificationKind as N;
use caas_domain::order::OrderState::{self, *};
use caas_domain::order_flow::{transition, OrderEffect, OrderEffect::*, OrderEvent as E};

/// Every event of this table: the order's own and every factory kind.
fn events() -> Vec<E> {
    vec![
        E::SenalCaptured,
        E::FactoryAccepted,
        E::FactoryRejected,
        E::FactoryUnavailable,
        E::FactoryRetriesExhausted,
        E::StaffResubmitted,
        E::StaffCancelled,
        E::Factory(K::Accepted),
        E::Factory(K::ProductionScheduled),
        E::Factory(K::EstimateRevised),
        E::Factory(K::ProductionStarted),
        E::Factory(K::AssemblyCompleted),
        E::Factory(K::QualityControlPassed),
        E::Factory(K::QualityControlFailed),
        E::Factory(K::VehicleCompleted),
        E::Factory(K::VehicleDispatched),
        E::Factory(K::VehicleAvailable),
        E::Factory(K::Cancelled),
        E::Factory(K::Unknown("order.painted".into())),
    ]
}

/// The table. No wildcard: a new event (or factory kind) fails to compile
/// until it has a row.
#[rustfmt::skip]
fn row(event: &E) -> [Cell; N] {
    match event {
        //                      SR  RS  FP  OJ  OD  IP  IT  AF  PD  RI  RG  OF  RT  HD  DL  OP  RL  CN
        E::SenalCaptured =>    [RS, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::FactoryAccepted =>  [XX, OD, OD, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::FactoryRejected =>  [XX, OJ, OJ, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::FactoryUnavailable =>
                               [XX, FP, IG, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::FactoryRetriesExhausted =>
                               [XX, FP, FP, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        // DISAGREES WITH SPEC §4.1: (FACTORY_ORDER_PENDING, StaffResubmitted) is no
        // row (resubmission is ORDER_REJECTED's); the code accepts it as a manual
        // retry: stays FACTORY_ORDER_PENDING and places the factory order again.
        E::StaffResubmitted => [XX, XX, FP, RS, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::StaffCancelled =>   [CN, XX, XX, CN, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
        E::Factory(kind) => match kind {
            //                  SR  RS  FP  OJ  OD  IP  IT  AF  PD  RI  RG  OF  RT  HD  DL  OP  RL  CN
            // Acceptance or scheduling once production started is stale news
            // (SPEC §5.2/MFG-7): history only, no notification.
            K::Accepted =>     [XX, OD, OD, XX, OD, HI, HI, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
            // DISAGREES WITH SPEC §4.1: "ORDERED + Factory milestone -> IN_PRODUCTION"
            // (and RESERVED/FACTORY_ORDER_PENDING, acceptance implied); the code keeps
            // production_scheduled at ORDERED (scheduled is not started).
            K::ProductionScheduled =>
                               [XX, OD, OD, XX, OD, HI, HI, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
            K::EstimateRevised =>
                               [XX, OD, OD, XX, OD, IP, IT, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, XX],
            K::ProductionStarted
            | K::AssemblyCompleted
            | K::QualityControlPassed
            | K::QualityControlFailed
            | K::VehicleCompleted =>
                               [XX, IP, IP, XX, IP, IP, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX],
            K::VehicleDispatched | K::VehicleAvailable =>
                               [XX, IT, IT, XX, IT, IT, IT, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, XX],
            // DISAGREES WITH SPEC §4.1/§5.2: no row or status code cancels a factory
            // order; the code turns order.cancelled in RESERVED, FACTORY_ORDER_PENDING
            // and ORDERED into ORDER_REJECTED with a staff alert and a milestone notice.
            K::Cancelled =>    [XX, OJ, OJ, XX, OJ, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, HI],
            K::Unknown(_) =>   [IG, IG, IG, IG, IG, IG, IG, IG, IG, IG, IG, IG, IG, IG, IG, IG, IG, IG],
        },
        E::Delivery(d) => panic!("{d:?} belongs to the table in delivery_states.rs"),
    }
}

fn run(state: OrderState, event: &E) -> Option<(OrderState, Vec<OrderEffect>)> {
    transition(state, event).ok()
}

#[test]
fn every_state_has_one_column_in_the_order_table() {
    assert_columns_cover_every_state();
}

#[test]
fn every_order_and_factory_event_is_listed_once() {
    let events = events();
    for (i, a) in events.iter().enumerate() {
        assert!(!events[i + 1..].contains(a), "{a:?} listed twice");
    }
    assert_eq!(events.len(), 7 + 12, "7 order events and 12 factory kinds");
}

#[test]
fn every_state_and_order_event_pair_has_the_outcome_of_the_table() {
    let pairs = assert_table(&events(), row, run);
    assert_eq!(pairs, 18 * 19);
}

/// The side effects §4.1 (and the NOTIF matrix) name for the order rows.
fn key_effects() -> Vec<KeyEffects<E>> {
    let k = |state, event, has: Vec<OrderEffect>, lacks: Vec<OrderEffect>| KeyEffects {
        state,
        event,
        has,
        lacks,
    };
    let milestone = || vec![Notify(N::ManufacturingMilestone)];
    let mut rows = vec![
        // Señal invoice; synchronous factory order; "payment confirmed".
        k(
            SaleRegistered,
            E::SenalCaptured,
            vec![PlaceFactoryOrder, Notify(N::PaymentConfirmed)],
            vec![],
        ),
        // Notify; nothing to refund before the señal.
        k(
            SaleRegistered,
            E::StaffCancelled,
            vec![Notify(N::SaleCancelled)],
            vec![RefundSenal],
        ),
        // Señal refunded; notify (elaboration).
        k(
            OrderRejected,
            E::StaffCancelled,
            vec![RefundSenal, Notify(N::SaleCancelled)],
            vec![],
        ),
        // New call.
        k(
            OrderRejected,
            E::StaffResubmitted,
            vec![PlaceFactoryOrder],
            vec![],
        ),
    ];
    for state in [Reserved, FactoryOrderPending] {
        // Store order id and estimate; notify ("factory order placed").
        rows.push(k(
            state,
            E::FactoryAccepted,
            vec![Notify(N::FactoryOrderPlaced)],
            vec![],
        ));
        // Error shown to staff (MFG-4, NOTIF-8).
        rows.push(k(
            state,
            E::FactoryRejected,
            vec![AlertStaff("factory_order_rejected")],
            vec![],
        ));
        // Staff alert when retries are exhausted (MFG-5).
        rows.push(k(
            state,
            E::FactoryRetriesExhausted,
            vec![AlertStaff("factory_order_retries_exhausted")],
            vec![],
        ));
    }
    // ORDERED, IN_PRODUCTION: milestone recorded; estimate updated; notify.
    for state in [Ordered, InProduction] {
        for kind in [
            K::ProductionScheduled,
            K::EstimateRevised,
            K::ProductionStarted,
            K::AssemblyCompleted,
            K::QualityControlPassed,
            K::QualityControlFailed,
            K::VehicleCompleted,
        ] {
            // Scheduling once production started is stale (MFG-7): its cell
            // is history only, no milestone.
            if state == InProduction && kind == K::ProductionScheduled {
                continue;
            }
            rows.push(k(state, E::Factory(kind), milestone(), vec![]));
        }
    }
    // Embarked to the locality: notify. Revised estimate in transit: MFG-9.
    rows.push(k(
        InProduction,
        E::Factory(K::VehicleDispatched),
        milestone(),
        vec![],
    ));
    rows.push(k(
        InTransitToDealership,
        E::Factory(K::EstimateRevised),
        milestone(),
        vec![],
    ));
    rows
}

#[test]
fn the_order_rows_have_the_side_effects_the_spec_names() {
    assert_key_effects(&key_effects(), run);
}
