//! The store conformance suite in one test binary (`it`): every file is a
//! module (`orders::…`, `jobs::…`) run against the engine the environment
//! picks — SQLite, or PostgreSQL with `CAAS_TEST_DATABASE_URL` — each test
//! on a database of its own; [`fixtures`] holds the rows they share. One
//! binary links the stores once rather than once per file. No test sets
//! environment variables or installs a process-wide global.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixtures;

mod accounts;
mod audit_mail;
mod batches;
mod connections;
mod doc_versions;
mod events;
mod job_claim_plan;
mod jobs;
mod money;
mod orders;
mod purchases;
mod refunds;
mod service_invoices;
mod sessions;
mod store;
mod support;
mod two_writers;
mod upgrade;
mod vss_cache;
