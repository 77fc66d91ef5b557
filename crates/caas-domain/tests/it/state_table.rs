//! Vocabulary shared by the order and delivery state × event tables
//! (`order_states.rs`, `delivery_states.rs`): one column per
//! [`OrderState`], one short cell per pair, and the check that compares a
//! whole table with the machine and lists every pair that differs.

use caas_domain::order::OrderState;
use caas_domain::order_flow::OrderEffect;

/// Number of columns of every row: one per state. Adding a state to
/// [`OrderState::ALL`] changes it, so every row stops compiling until it
/// gains a cell for the new state.
pub const N: usize = OrderState::ALL.len();

/// Column of `state` in a row. The match has no wildcard, so a new state
/// fails to compile here until it is given its column.
pub fn column(state: OrderState) -> usize {
    use OrderState::*;
    match state {
        SaleRegistered => 0,
        Reserved => 1,
        FactoryOrderPending => 2,
        OrderRejected => 3,
        Ordered => 4,
        InProduction => 5,
        InTransitToDealership => 6,
        AwaitingFinalPayment => 7,
        Paid => 8,
        RegistrationIssue => 9,
        Registered => 10,
        OutForDelivery => 11,
        ReturningToDealership => 12,
        HeldAtDealership => 13,
        Delivered => 14,
        Operational => 15,
        ReservationLost => 16,
        Cancelled => 17,
    }
}

/// The expected (or observed) outcome of one `(state, event)` pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// The machine refuses the pair (an error, or `None`).
    Refused,
    /// Ignored, history only: the state stays and the only effect is the
    /// expediente timeline entry.
    History,
    /// Ignored: the state stays and nothing at all happens.
    Ignored,
    /// Accepted: the order moves to (or stays in) this state with effects
    /// beyond the bare timeline entry.
    To(OrderState),
}

/// Refused.
pub const XX: Cell = Cell::Refused;
/// Ignored, history only.
pub const HI: Cell = Cell::History;
/// Ignored, no effect.
pub const IG: Cell = Cell::Ignored;
/// → RESERVED.
pub const RS: Cell = Cell::To(OrderState::Reserved);
/// → FACTORY_ORDER_PENDING.
pub const FP: Cell = Cell::To(OrderState::FactoryOrderPending);
/// → ORDER_REJECTED.
pub const OJ: Cell = Cell::To(OrderState::OrderRejected);
/// → ORDERED.
pub const OD: Cell = Cell::To(OrderState::Ordered);
/// → IN_PRODUCTION.
pub const IP: Cell = Cell::To(OrderState::InProduction);
/// → IN_TRANSIT_TO_DEALERSHIP.
pub const IT: Cell = Cell::To(OrderState::InTransitToDealership);
/// → AWAITING_FINAL_PAYMENT.
pub const AF: Cell = Cell::To(OrderState::AwaitingFinalPayment);
/// → PAID.
pub const PD: Cell = Cell::To(OrderState::Paid);
/// → REGISTRATION_ISSUE.
pub const RI: Cell = Cell::To(OrderState::RegistrationIssue);
/// → REGISTERED.
pub const RG: Cell = Cell::To(OrderState::Registered);
/// → OUT_FOR_DELIVERY.
pub const OF: Cell = Cell::To(OrderState::OutForDelivery);
/// → RETURNING_TO_DEALERSHIP.
pub const RT: Cell = Cell::To(OrderState::ReturningToDealership);
/// → HELD_AT_DEALERSHIP.
pub const HD: Cell = Cell::To(OrderState::HeldAtDealership);
/// → DELIVERED.
pub const DL: Cell = Cell::To(OrderState::Delivered);
/// → OPERATIONAL.
pub const OP: Cell = Cell::To(OrderState::Operational);
/// → RESERVATION_LOST.
pub const RL: Cell = Cell::To(OrderState::ReservationLost);
/// → CANCELLED.
pub const CN: Cell = Cell::To(OrderState::Cancelled);

/// What a transition result looks like as a cell.
pub fn observe(from: OrderState, result: Option<&(OrderState, Vec<OrderEffect>)>) -> Cell {
    match result {
        None => Cell::Refused,
        Some((next, effects)) if *next == from && effects.is_empty() => Cell::Ignored,
        Some((next, effects)) if *next == from && effects == &[OrderEffect::RecordTimeline] => {
            Cell::History
        }
        Some((next, _)) => Cell::To(*next),
    }
}

/// Checks that [`column`] and [`OrderState::ALL`] agree, so every state
/// has exactly one cell in every row.
pub fn assert_columns_cover_every_state() {
    for (i, state) in OrderState::ALL.into_iter().enumerate() {
        assert_eq!(column(state), i, "{state:?} is not in column {i}");
    }
}

/// Compares every pair of a table; panics with the full list of pairs
/// whose observed cell differs from the table's.
pub fn assert_table<E: std::fmt::Debug>(
    events: &[E],
    row: impl Fn(&E) -> [Cell; N],
    run: impl Fn(OrderState, &E) -> Option<(OrderState, Vec<OrderEffect>)>,
) -> usize {
    let mut wrong = Vec::new();
    let mut pairs = 0;
    for event in events {
        let expected = row(event);
        for state in OrderState::ALL {
            pairs += 1;
            let got = run(state, event);
            let seen = observe(state, got.as_ref());
            let want = expected[column(state)];
            if seen != want {
                wrong.push(format!(
                    "({}, {event:?}): table says {want:?}, machine gives {seen:?} {got:?}",
                    state.as_str()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} pair(s) differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    pairs
}

/// A SPEC side effect that a pair must (or, for a recorded disagreement,
/// currently does not) produce.
pub struct KeyEffects<E> {
    /// State before the event.
    pub state: OrderState,
    /// The event.
    pub event: E,
    /// Effects the SPEC names for the pair, all of which must be present.
    pub has: Vec<OrderEffect>,
    /// Effects that must be absent.
    pub lacks: Vec<OrderEffect>,
}

/// Checks every [`KeyEffects`] row; panics with all that fail.
pub fn assert_key_effects<E: std::fmt::Debug>(
    rows: &[KeyEffects<E>],
    run: impl Fn(OrderState, &E) -> Option<(OrderState, Vec<OrderEffect>)>,
) {
    let mut wrong = Vec::new();
    for r in rows {
        let effects = run(r.state, &r.event).map(|(_, fx)| fx).unwrap_or_default();
        for fx in &r.has {
            if !effects.contains(fx) {
                wrong.push(format!("({:?}, {:?}) lacks {fx:?}", r.state, r.event));
            }
        }
        for fx in &r.lacks {
            if effects.contains(fx) {
                wrong.push(format!("({:?}, {:?}) has {fx:?}", r.state, r.event));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
