//! Operations pages (ADMIN, SUPPORT): accounts, audit log, catalogue,
//! dealerships, jobs and the mail outbox.

pub mod accounts;
pub mod audit;
pub mod catalogue;
pub mod catalogue_save;
pub mod catalogue_store;
pub mod catalogue_store_save;
pub mod dealerships;
pub mod jobs;
pub mod mail;
