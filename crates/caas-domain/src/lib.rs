//! caas domain: entities, typed ids, value objects, pure rules and the port traits
//! that the application layer drives. Nothing here performs I/O or needs an async runtime.

pub mod account;
pub mod audit;
pub mod clock;
pub mod dealership;
pub mod email;
pub mod error;
pub mod ids;
pub mod job;
pub mod mail;
pub mod money;
pub mod partners;
pub mod ports;
pub mod session;

pub use error::DomainError;
