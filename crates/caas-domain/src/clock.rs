//! The clock port: all "now" comes from here so tests can move time.

use chrono::{DateTime, Utc};

/// Source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// Current UTC time.
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
