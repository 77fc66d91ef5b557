//! Harness shared by several simulator test files: the factory simulator
//! with a webhook receiver ([`factory`]), the fleet simulator beside the
//! platform's real `FleetLink` ([`fleet`]), the payment gateway simulator
//! ([`payments`]) and the signature-verifying webhook receiver, JSON client
//! and polling the payments and SMS tests use ([`http_harness`]). Harness
//! used by one file only (carrier, registry, VSS) lives beside it.

pub mod factory;
pub mod fleet;
pub mod http_harness;
pub mod payments;
