//! Carrier simulator over real sockets, driven by the platform's
//! `TransportClient`, with webhooks received and verified by a test receiver.

mod support;

mod carrier_booking;
mod carrier_lifecycle;
mod carrier_timeline;
