//! The factory side of an order: placing it, receiving its events, filling
//! gaps and watching for silence.

pub mod apply;
pub mod events;
pub mod place;
pub mod silence;
