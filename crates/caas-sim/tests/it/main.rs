//! Every integration test of caas-sim in one test binary (`it`), so the
//! crate and its dependencies are linked once rather than once per file.
//! Each module is one simulator's tests over real sockets (`factory::…`,
//! `carrier_sim::…`); [`support`] holds the harness several of them share.
//! No test sets environment variables or installs a process-wide global.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod carrier_sim;
mod factory;
mod factory_faults;
mod factory_webhooks;
mod fleet_sim;
mod fleet_sim_faults;
mod fleet_sim_reorder;
mod payments;
mod payments_cards;
mod payments_lifecycle;
mod payments_refunds;
mod push_sim;
mod registry_sim;
mod sms;
mod vss_sim;
