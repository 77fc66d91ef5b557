//! Simulators of the partner systems, each a real HTTP server speaking its
//! contract from `shared/contracts`, with scenario controls for tests.

pub mod carrier;
pub mod common;
pub mod factory;
pub mod fleet;
pub mod payments;
pub mod push;
pub mod registry;
pub mod sms;
pub mod vss;
