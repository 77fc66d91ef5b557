//! caas-domain's integration tests in one binary: the state × event table
//! of every state machine, checked against SPEC §4, and the catalogue's
//! rules for what an administrator may enter.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod catalogue_store_rules;
mod delivery_states;
mod order_states;
mod payment_states;
mod purchase_states;
mod state_table;
mod vehicle_assignment_states;
