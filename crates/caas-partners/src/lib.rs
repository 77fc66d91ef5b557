//! Clients for the partner contracts in `shared/contracts`. For now: SMTP
//! delivery of outbox email. Webhook signing, the factory, payment, registry,
//! carrier and VSS clients arrive with the issues that use them.

pub mod smtp;
