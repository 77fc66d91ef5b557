//! The integration tests of caas-partners in one test binary (`it`): the
//! partner clients (factory, payments, SMS, registration, Web Push) against
//! small servers on real sockets that answer canned contract responses, the
//! payments client against the gateway simulator (`payments_sim::…`), and
//! VAPID signing. Each file is a module (`clients::…`, `webpush_vapid::…`).
//! No test sets environment variables or installs a global.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod clients;
mod payments_sim;
mod registration_client;
mod webpush_client;
mod webpush_vapid;
