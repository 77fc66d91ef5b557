//! Payments through the gateway: the señal, outcomes from answers and
//! webhooks, invoices, and the customer's saved cards.

pub mod cards;
pub mod events;
pub mod invoices;
pub mod outcome;
pub mod senal;
