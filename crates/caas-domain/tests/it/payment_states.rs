//! SPEC §4.4 ("Payment") as an exhaustive state × event table for
//! [`Payment::apply`]: every [`PaymentState`] against every
//! [`GatewayOutcome`], with the next state and whether `apply` reports the
//! payment as captured just now (the caller then invoices it and moves the
//! order, exactly once: NFR-1).
//!
//! Where the rows come from: the §4.4 rows for CREATED (authorised and
//! captured at once for SENAL and FINAL, declined), CAPTURED (settlement
//! confirmed) and CAPTURED/SETTLED (settlement failure or chargeback);
//! DECLINED is final. Repeated or late gateway news is taken as ignored
//! (NFR-1 "take effect exactly once"; the MFG-7 rule that older events
//! never overwrite newer state, applied to the gateway's events of §5.3),
//! and news that implies an earlier step (settled, or settlement failed,
//! before the capture was seen) applies as if the capture had come first.
//! A pair no SPEC row admits is expected refused.
//!
//! DISAGREES WITH SPEC §4.4 (no pair can show it, so it is stated here):
//! the code has no AUTHORIZED, VOIDED, REFUND_PENDING or REFUNDED state, no
//! gateway outcome for a void or a refund, and only the SENAL and FINAL
//! kinds (no SERVICE or SUBSCRIPTION_PERIOD); CREATED goes straight to
//! CAPTURED.

use caas_domain::ids::{AccountId, OrderId, PaymentId};
use caas_domain::money::{Currency, Money};
use caas_domain::payment::{
    GatewayOutcome as G, Payment, PaymentChannel, PaymentKind,
    PaymentState::{self, *},
};
use chrono::Utc;

/// Expected (or observed) outcome of one pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// `apply` refuses the outcome.
    Refused,
    /// The payment is in this state; `true` when captured just now.
    To(PaymentState, bool),
}

const XX: Cell = Cell::Refused;
/// Stays or becomes CREATED.
const CR: Cell = Cell::To(Created, false);
/// CAPTURED, already counted before.
const CA: Cell = Cell::To(Captured, false);
/// CAPTURED just now.
const CA_NOW: Cell = Cell::To(Captured, true);
/// SETTLED, capture counted before.
const ST: Cell = Cell::To(Settled, false);
/// SETTLED, and the capture is counted now.
const ST_NOW: Cell = Cell::To(Settled, true);
/// DECLINED.
const DE: Cell = Cell::To(Declined, false);
/// SETTLEMENT_FAILED, capture counted before.
const SF: Cell = Cell::To(SettlementFailed, false);
/// SETTLEMENT_FAILED, and the capture is counted now.
const SF_NOW: Cell = Cell::To(SettlementFailed, true);

const N: usize = PaymentState::ALL.len();

/// Column of a state. No wildcard: a new state fails to compile here.
fn column(state: PaymentState) -> usize {
    match state {
        Created => 0,
        Captured => 1,
        Settled => 2,
        Declined => 3,
        SettlementFailed => 4,
    }
}

/// Every gateway outcome.
fn outcomes() -> Vec<G> {
    vec![
        G::Captured,
        G::Pending,
        G::Declined {
            code: "insufficient_funds".into(),
            message: "Your card has insufficient funds.".into(),
        },
        G::Settled,
        G::SettlementFailed {
            code: "chargeback".into(),
        },
    ]
}

/// The table. No wildcard: a new outcome fails to compile until it has a row.
#[rustfmt::skip]
fn row(outcome: &G) -> [Cell; N] {
    match outcome {
        //                          CREATED  CAPTURED SETTLED  DECLINED SETTLEMENT_FAILED
        G::Captured =>             [CA_NOW,  CA,      ST,      XX,      SF],
        G::Pending =>              [CR,      CA,      ST,      DE,      SF],
        G::Declined { .. } =>      [DE,      XX,      XX,      DE,      XX],
        G::Settled =>              [ST_NOW,  ST,      ST,      XX,      SF],
        G::SettlementFailed { .. } =>
                                   [SF_NOW,  SF,      SF,      XX,      SF],
    }
}

fn payment(state: PaymentState) -> Payment {
    Payment {
        id: PaymentId::new(),
        order_id: OrderId::new(),
        customer_id: AccountId::new(),
        kind: PaymentKind::Senal,
        amount: Money {
            minor: 100_000,
            currency: Currency::EUR,
        },
        state,
        channel: PaymentChannel::Online,
        started_by: AccountId::new(),
        payment_method: "tok_test_ok".into(),
        idempotency_key: "k".into(),
        intent_id: None,
        decline_code: None,
        failure_message: None,
        last_sequence: 0,
        version: 0,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn observe(state: PaymentState, outcome: &G) -> Cell {
    let mut p = payment(state);
    match p.apply(outcome, Utc::now()) {
        Ok(captured_now) => Cell::To(p.state, captured_now),
        Err(_) => {
            assert_eq!(
                p.state, state,
                "a refused outcome must not move the payment"
            );
            Cell::Refused
        }
    }
}

#[test]
fn every_payment_state_has_one_column() {
    for (i, state) in PaymentState::ALL.into_iter().enumerate() {
        assert_eq!(column(state), i, "{state:?} is not in column {i}");
    }
}

#[test]
fn every_state_and_gateway_outcome_pair_has_the_outcome_of_the_table() {
    let mut wrong = Vec::new();
    let mut pairs = 0;
    for outcome in outcomes() {
        for state in PaymentState::ALL {
            pairs += 1;
            let want = row(&outcome)[column(state)];
            let seen = observe(state, &outcome);
            if seen != want {
                wrong.push(format!(
                    "({}, {outcome:?}): table says {want:?}, apply gives {seen:?}",
                    state.as_str()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(pairs, 5 * 5);
}

#[test]
fn a_decline_keeps_its_code_for_the_customer() {
    let mut p = payment(Created);
    let declined = &outcomes()[2];
    assert!(matches!(p.apply(declined, Utc::now()), Ok(false)));
    assert_eq!(p.decline_code.as_deref(), Some("insufficient_funds"));
}
