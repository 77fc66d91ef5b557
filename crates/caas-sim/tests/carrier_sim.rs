//! Carrier simulator over real sockets, driven by the platform's
//! `TransportClient`, with webhooks received and verified by a test receiver.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "carrier_sim/support.rs"]
mod support;

#[path = "carrier_sim/carrier_booking.rs"]
mod carrier_booking;
#[path = "carrier_sim/carrier_lifecycle.rs"]
mod carrier_lifecycle;
#[path = "carrier_sim/carrier_timeline.rs"]
mod carrier_timeline;
