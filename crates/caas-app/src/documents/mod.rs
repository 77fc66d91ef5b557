//! Documents the platform issues (invoices as PDF).

pub mod invoice;
mod labels;
mod metrics;
pub mod pdf;
