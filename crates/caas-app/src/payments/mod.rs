//! Payments through the gateway: the señal, outcomes from answers and
//! webhooks, and invoices.

pub mod events;
pub mod invoices;
pub mod outcome;
pub mod senal;
