//! What dealership staff may do to an order: which roles run sales and
//! deliveries (SEC-2), and [`staff_actions`], the buttons of the intranet
//! order page, derived from the same rules the use cases enforce (the role
//! checks below, the state machines' transitions, [`cancellation`]). A page
//! shows an action exactly when the use case would accept it.

use crate::account::Role;
use crate::delivery_flow::{self, DeliveryEvent};
use crate::order::OrderState;
use crate::order_policy::cancellation;
use crate::payment::Payment;

/// Takes the señal, cancels and resubmits sales: SALES, and ADMIN anywhere.
pub fn manages_sales(role: Role) -> bool {
    matches!(role, Role::Sales | Role::Admin)
}

/// Acts on deliveries (reception, final payment at the desk, registration
/// fixes, returns, pickups, delivery entries): DEALER_OPS, SALES, ADMIN.
pub fn handles_deliveries(role: Role) -> bool {
    matches!(role, Role::DealerOps | Role::Sales | Role::Admin)
}

/// Works the support queue and reads cars, their state and OTA history
/// (SEC-2): SUPPORT, and ADMIN. Neither buys, refunds nor sends commands
/// other than a `state.query`.
pub fn handles_support(role: Role) -> bool {
    matches!(role, Role::Support | Role::Admin)
}

/// What a staff member may do to an order now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StaffActions {
    /// Take the señal at the desk.
    pub take_senal: bool,
    /// Cancel the sale.
    pub cancel: bool,
    /// Correct and resubmit the factory order.
    pub resubmit: bool,
    /// Record the vehicle's reception at the dealership.
    pub receive_vehicle: bool,
    /// Take the final payment at the desk.
    pub take_final_payment: bool,
    /// Record that the customer cannot pay.
    pub record_cannot_pay: bool,
    /// Correct and resubmit the registration.
    pub fix_registration: bool,
    /// Record the reception of a vehicle the carrier brought back.
    pub receive_return: bool,
    /// Hand the vehicle over at the dealership.
    pub hand_over: bool,
    /// Book a new home delivery.
    pub request_redelivery: bool,
}

/// The actions `role` may take on an order in `state` with `payments`.
pub fn staff_actions(role: Role, state: OrderState, payments: &[Payment]) -> StaffActions {
    let sales = manages_sales(role);
    let delivery = handles_deliveries(role);
    let can = |e: DeliveryEvent| delivery && delivery_flow::transition(state, &e).is_some();
    StaffActions {
        take_senal: sales && state == OrderState::SaleRegistered,
        cancel: sales && cancellation(state, payments).is_ok(),
        resubmit: sales
            && matches!(
                state,
                OrderState::OrderRejected | OrderState::FactoryOrderPending
            ),
        receive_vehicle: can(DeliveryEvent::DealershipReception),
        take_final_payment: delivery && state == OrderState::AwaitingFinalPayment,
        record_cannot_pay: can(DeliveryEvent::StaffRecordedCannotPay),
        fix_registration: can(DeliveryEvent::RegistrationResubmitted),
        receive_return: can(DeliveryEvent::ReturnReceived),
        hand_over: can(DeliveryEvent::CollectedAtDealership),
        request_redelivery: can(DeliveryEvent::RedeliveryRequested),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_and_customers_see_no_action_in_any_state() {
        for role in [Role::Support, Role::Customer] {
            for state in OrderState::ALL {
                assert_eq!(staff_actions(role, state, &[]), StaffActions::default());
            }
        }
    }

    #[test]
    fn dealer_ops_handle_deliveries_but_not_sales() {
        let new = staff_actions(Role::DealerOps, OrderState::SaleRegistered, &[]);
        assert!(!new.take_senal && !new.cancel);
        let due = staff_actions(Role::DealerOps, OrderState::AwaitingFinalPayment, &[]);
        assert!(due.take_final_payment && due.record_cannot_pay);
        let sales = staff_actions(Role::Sales, OrderState::SaleRegistered, &[]);
        assert!(sales.take_senal && sales.cancel);
    }

    #[test]
    fn each_delivery_action_appears_only_where_its_transition_exists() {
        for state in OrderState::ALL {
            let a = staff_actions(Role::Admin, state, &[]);
            assert_eq!(
                a.receive_vehicle,
                state == OrderState::InTransitToDealership
            );
            assert_eq!(a.fix_registration, state == OrderState::RegistrationIssue);
            assert_eq!(a.receive_return, state == OrderState::ReturningToDealership);
            assert_eq!(
                a.hand_over,
                state == OrderState::HeldAtDealership,
                "{state:?}"
            );
        }
    }
}
