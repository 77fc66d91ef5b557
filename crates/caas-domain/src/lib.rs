//! caas domain: entities, typed ids, value objects, pure rules and the port traits
//! that the application layer drives. Nothing here performs I/O or needs an async runtime.

pub mod account;
pub mod audit;
pub mod catalogue;
pub mod clock;
pub mod customer;
pub mod dealership;
pub mod delivery_flow;
pub mod display;
pub mod email;
pub mod error;
pub mod factory_event;
pub mod fleet;
pub mod ids;
pub mod job;
pub mod mail;
pub mod maintenance;
pub mod money;
pub mod notification;
pub mod order;
pub mod order_delivery;
pub mod order_flow;
pub mod order_policy;
pub mod partners;
pub mod partners_delivery;
pub mod payment;
pub mod ports;
pub mod purchase;
pub mod records;
pub mod session;
pub mod staff_policy;
pub mod support;
pub mod timeline;
pub mod vehicle;

pub use error::DomainError;
