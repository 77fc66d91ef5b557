//! Simulators of the partner systems, each a real HTTP server speaking its
//! contract from `shared/contracts`, with scenario controls for tests.

pub mod common;
pub mod factory;
pub mod payments;
pub mod push;
pub mod sms;
