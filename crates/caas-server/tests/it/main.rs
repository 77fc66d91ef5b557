//! Every integration test of caas-server in one test binary (`it`), so the
//! crate and its dependencies are linked once rather than once per file.
//! Each module is one file of tests, named so that a test's path reads as a
//! sentence (`sales_api::…`, `delivery_journeys::…`); [`support`] holds the
//! harness they share. Run one file with `cargo test -p caas-server --test it
//! sales_api::`.
//!
//! Nothing here changes process-wide state a neighbour could see: no test sets
//! environment variables or installs a global; the one process-wide resource,
//! the embedded MQTT broker of [`support::app`], is shared by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod accounts_and_sessions;
mod body_limits;
mod browser;
mod browser_sale;
mod browser_store;
mod browser_vehicle;
mod cancelled_requests;
mod catalogue_store_access;
mod catalogue_store_api;
mod catalogue_store_web;
mod delivery_exceptions;
mod delivery_journeys;
mod delivery_staff_entries;
mod factory_exceptions;
mod feature_store;
mod feature_store_debt;
mod feature_store_display;
mod feature_store_expiry;
mod feature_store_invoices;
mod feature_store_maintenance;
mod feature_store_reminder;
mod feature_store_silence;
mod http_basics;
mod https_listener;
mod login_flood;
mod mail_smtp;
mod maintenance_from_vss;
mod maintenance_in_the_expediente;
mod notification_channels;
mod notifications_once;
mod ops_and_audit;
mod paying_with_cards;
mod push_and_inbox;
mod push_ends_with_session;
mod read_routes_under_load;
mod route_table;
mod sale_cancellation;
mod sale_to_factory;
mod sales_api;
mod saved_cards;
mod senal_refund;
mod store_catalogue_api;
mod store_web;
mod support_queue;
mod twin_reconcile;
mod two_instances;
mod web_catalogue_prefs;
mod web_delivery_customer;
mod web_delivery_entries;
mod web_delivery_staff;
mod web_demo_journey;
mod web_push_device;
mod web_sales;
mod webhooks_factory;
