//! caas-domain's integration tests in one binary: the state × event table
//! of every state machine, checked against SPEC §4.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod delivery_states;
mod order_states;
mod payment_states;
mod purchase_states;
mod state_table;
mod vehicle_assignment_states;
