//! What may be done with an order, decided once: the intranet page asks
//! these functions which buttons to show and the use cases ask them before
//! acting, so a page can never offer what the use case refuses (or the
//! reverse). Pure functions over the order and its payments.

use crate::money::Money;
use crate::order::{Order, OrderState};
use crate::payment::{Payment, PaymentKind, PaymentState};
use crate::DomainError;

/// Why a sale cannot be cancelled now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRefusal {
    /// A señal payment's outcome is not known yet: it may be charged any moment.
    SenalInFlight,
    /// The señal is paid and the factory holds the order: the sale goes on.
    SenalPaid,
    /// The order is past the point where a sale is cancelled.
    TooLate(OrderState),
}

impl CancelRefusal {
    /// The refusal for staff, in English (the intranet translates by variant).
    pub fn message(self) -> String {
        match self {
            Self::SenalInFlight => "the señal is being paid; wait for the payment's outcome".into(),
            Self::SenalPaid => "the señal is paid: only a sale whose factory order was refused can be cancelled (its señal is refunded)".into(),
            Self::TooLate(s) => format!("an order in state {} cannot be cancelled", s.as_str()),
        }
    }
}

/// A sale may be cancelled before its señal is paid, or after the factory
/// refused the order (SPEC §4.1, the paid señal is then refunded). Returns
/// the paid señal to refund, if any.
pub fn cancellation(
    state: OrderState,
    payments: &[Payment],
) -> Result<Option<&Payment>, CancelRefusal> {
    let senal = |p: &&Payment| p.kind == PaymentKind::Senal;
    if payments
        .iter()
        .filter(senal)
        .any(|p| p.state == PaymentState::Created)
    {
        return Err(CancelRefusal::SenalInFlight);
    }
    let paid = payments.iter().filter(senal).find(|p| p.state.is_paid());
    match (state, paid) {
        (OrderState::OrderRejected, paid) => Ok(paid),
        (OrderState::SaleRegistered, None) => Ok(None),
        (
            OrderState::SaleRegistered | OrderState::Reserved | OrderState::FactoryOrderPending,
            Some(_),
        ) => Err(CancelRefusal::SenalPaid),
        (s, _) => Err(CancelRefusal::TooLate(s)),
    }
}

/// The final amount: vehicle price minus señal, or the terms already set.
pub fn final_amount(order: &Order) -> Result<Money, DomainError> {
    match &order.final_payment {
        Some(t) => Ok(t.amount),
        None => order.plan.vehicle_price.checked_sub(order.plan.senal),
    }
}

/// Where the final payment of an order stands (the customer's page shows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalPaymentStage {
    /// Not requested yet (the vehicle is not at the dealership).
    NotYet,
    /// Due: the form is offered.
    Due,
    /// A payment is being processed by the gateway.
    Processing,
    /// Captured: waiting for the bank's settlement.
    Settling,
    /// Settled: complete.
    Done,
    /// RESERVATION_LOST: read-only.
    Lost,
    /// Cancelled sale: nothing to pay.
    Cancelled,
}

impl FinalPaymentStage {
    /// Stable name (the page's `data-stage`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotYet => "not_yet",
            Self::Due => "due",
            Self::Processing => "processing",
            Self::Settling => "settling",
            Self::Done => "done",
            Self::Lost => "lost",
            Self::Cancelled => "cancelled",
        }
    }

    /// The page refreshes itself while the gateway or the bank has the word.
    pub fn waiting(self) -> bool {
        matches!(self, Self::Processing | Self::Settling)
    }
}

/// The stage of an order's final payment, with its latest final payment.
pub fn final_payment_stage(
    state: OrderState,
    payments: &[Payment],
) -> (FinalPaymentStage, Option<&Payment>) {
    let last = payments.iter().rev().find(|p| p.kind == PaymentKind::Final);
    let s = match state {
        OrderState::ReservationLost => FinalPaymentStage::Lost,
        OrderState::Cancelled => FinalPaymentStage::Cancelled,
        OrderState::AwaitingFinalPayment => match last.map(|p| p.state) {
            Some(PaymentState::Created) => FinalPaymentStage::Processing,
            Some(PaymentState::Captured | PaymentState::Settled) => FinalPaymentStage::Settling,
            _ => FinalPaymentStage::Due,
        },
        // Paid and everything after it.
        s if s.progress_step() > OrderState::AwaitingFinalPayment.progress_step() => {
            FinalPaymentStage::Done
        }
        _ => FinalPaymentStage::NotYet,
    };
    (s, last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AccountId, OrderId, PaymentId};
    use crate::money::Currency;
    use crate::payment::PaymentChannel;
    use chrono::Utc;

    fn senal(state: PaymentState) -> Payment {
        Payment {
            id: PaymentId::new(),
            order_id: OrderId::new(),
            customer_id: AccountId::new(),
            kind: PaymentKind::Senal,
            amount: Money::new(200_000, Currency::EUR).unwrap(),
            state,
            channel: PaymentChannel::Online,
            started_by: AccountId::new(),
            payment_method: "tok".into(),
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

    #[test]
    fn every_state_and_senal_has_one_answer() {
        use OrderState::*;
        let declined = [senal(PaymentState::Declined)];
        let paid = [senal(PaymentState::Captured)];
        let in_flight = [senal(PaymentState::Created)];
        for state in OrderState::ALL {
            let none = cancellation(state, &[]);
            let with_declined = cancellation(state, &declined);
            assert_eq!(
                none, with_declined,
                "a declined señal counts as none ({state:?})"
            );
            match state {
                SaleRegistered => assert_eq!(none, Ok(None)),
                OrderRejected => {
                    assert_eq!(none, Ok(None));
                    assert_eq!(cancellation(state, &paid), Ok(Some(&paid[0])), "refunded");
                }
                s => assert_eq!(none, Err(CancelRefusal::TooLate(s))),
            }
            assert_eq!(
                cancellation(state, &in_flight),
                Err(CancelRefusal::SenalInFlight)
            );
        }
        assert_eq!(
            cancellation(SaleRegistered, &paid),
            Err(CancelRefusal::SenalPaid)
        );
        assert_eq!(cancellation(Reserved, &paid), Err(CancelRefusal::SenalPaid));
        assert!(matches!(
            cancellation(Ordered, &paid),
            Err(CancelRefusal::TooLate(_))
        ));
    }
}
