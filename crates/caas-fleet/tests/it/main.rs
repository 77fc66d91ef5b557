//! The integration tests of caas-fleet in one test binary (`it`): the
//! embedded broker's logins and features, the platform's `FleetLink`
//! against real brokers, and the production Mosquitto configuration (ACL,
//! TLS). Each file is a module (`link::…`); [`support`] holds the raw MQTT
//! clients they share. Every broker a test starts listens on a port of its
//! own, and no test sets environment variables or installs a global, so the
//! files share one process safely.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod broker_auth;
mod broker_features;
mod link;
mod mosquitto_acl;
mod mosquitto_tls;
