//! Documents the platform issues (invoices as PDF).
