//! Clients for the partner contracts in `shared/contracts`: SMTP delivery of
//! outbox email, Standard Webhooks signing and verification, and the HTTP
//! clients of the factory, payment gateway, SMS provider and Web Push.

pub mod factory;
pub mod http;
pub mod payments;
pub mod registration;
pub mod sms;
pub mod smtp;
pub mod transport;
pub mod vss;
pub mod webhooks;
pub mod webpush;
