//! The vehicle assignment of SPEC §4.1 ("A vehicle's assignment is ASSIGNED
//! (to the order's customer) or SIN_ASIGNAR") as an exhaustive state ×
//! event table for [`Vehicle::release`] and [`Vehicle::assign_from_stock`].
//!
//! Where the rows come from: §4.1 "Sale registered (stock vehicle) → stock
//! vehicle ASSIGNED" (SALE-6), "Deadline passed, or staff records inability
//! to pay → Vehicle SIN_ASIGNAR" (PAY-5) and the invariant "a SIN_ASIGNAR
//! vehicle has no customer and leaves that state only via SALE-6". Only the
//! order the vehicle is assigned to can release it; anything else is
//! refused.

use caas_domain::ids::{AccountId, DealershipId, OrderId, VehicleId};
use caas_domain::vehicle::{Assignment, Vehicle};
use chrono::Utc;

/// Where the vehicle stands, seen from the order acting on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    /// ASSIGNED to the acting order's customer.
    ThisOrder,
    /// ASSIGNED to another order's customer.
    OtherOrder,
    /// SIN_ASIGNAR stock.
    Stock,
}

/// What happens to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    /// The acting order lost its reservation (PAY-5).
    ReleaseForTheOrder,
    /// A sale is registered on it as stock (SALE-6).
    SellFromStock,
}

const HOLDERS: [Holder; 3] = [Holder::ThisOrder, Holder::OtherOrder, Holder::Stock];
const ACTS: [Act; 2] = [Act::ReleaseForTheOrder, Act::SellFromStock];

/// The table: `None` = refused, `Some(stock)` = accepted and the vehicle is
/// (or is not) stock afterwards. Both matches have no wildcard.
fn expected(holder: Holder, act: Act) -> Option<bool> {
    match act {
        Act::ReleaseForTheOrder => match holder {
            Holder::ThisOrder => Some(true),
            Holder::OtherOrder | Holder::Stock => None,
        },
        Act::SellFromStock => match holder {
            Holder::Stock => Some(false),
            Holder::ThisOrder | Holder::OtherOrder => None,
        },
    }
}

fn vehicle(holder: Holder, this_order: &OrderId) -> Vehicle {
    let assigned = |order_id: OrderId| Assignment::Assigned {
        order_id,
        customer_id: AccountId::new(),
    };
    let assignment = match holder {
        Holder::ThisOrder => assigned(this_order.clone()),
        Holder::OtherOrder => assigned(OrderId::new()),
        Holder::Stock => Assignment::SinAsignar,
    };
    Vehicle {
        id: VehicleId::new(),
        vin: "VSSZZZ5FZR6000123".into(),
        platform_code: "SUV-E-26".into(),
        option_codes: vec![],
        dealership_id: DealershipId::new(),
        assignment,
        completed_on: None,
        available_from: None,
        plate_number: None,
        keys: vec![],
        last_state: None,
        presence: None,
        presence_at: None,
        history: vec![],
        version: 0,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn observe(holder: Holder, act: Act) -> Option<bool> {
    let order = OrderId::new();
    let mut v = vehicle(holder, &order);
    let before = v.assignment.clone();
    let done = match act {
        Act::ReleaseForTheOrder => v.release(&order, Utc::now(), "deadline").is_ok(),
        Act::SellFromStock => v
            .assign_from_stock(OrderId::new(), AccountId::new(), Utc::now())
            .is_ok(),
    };
    if !done {
        assert_eq!(v.assignment, before, "a refusal must not reassign");
    }
    assert_eq!(
        v.is_stock(),
        v.customer().is_none(),
        "stock has no customer"
    );
    done.then(|| v.is_stock())
}

#[test]
fn every_assignment_and_act_pair_has_the_outcome_of_the_table() {
    let mut pairs = 0;
    for act in ACTS {
        for holder in HOLDERS {
            pairs += 1;
            assert_eq!(
                observe(holder, act),
                expected(holder, act),
                "({holder:?}, {act:?})"
            );
        }
    }
    assert_eq!(pairs, 3 * 2);
}
