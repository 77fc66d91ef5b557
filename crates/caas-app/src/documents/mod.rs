//! Documents the platform issues as PDF (invoices, the registration record).

pub mod invoice;
mod labels;
mod metrics;
pub mod pdf;
pub mod registration;
