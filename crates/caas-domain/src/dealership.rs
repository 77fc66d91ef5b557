//! Dealerships: where sales happen and staff work.

use crate::ids::DealershipId;
use crate::DomainError;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A dealership of the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dealership {
    /// Identifier.
    pub id: DealershipId,
    /// Trading name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country.
    pub country: String,
    /// Town or city.
    pub locality: String,
    /// Street address, shown to customers who collect a vehicle.
    pub address: String,
    /// Opening hours, free text (`L-V 9:00-20:00, S 10:00-14:00`).
    pub opening_hours: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// Countries of operation (registration adapters exist for these).
pub const COUNTRIES: [&str; 5] = ["ES", "PT", "FR", "DE", "IT"];

/// Validates a country code of operation.
pub fn parse_country(s: &str) -> Result<String, DomainError> {
    let c = s.trim().to_ascii_uppercase();
    if COUNTRIES.contains(&c.as_str()) {
        Ok(c)
    } else {
        Err(DomainError::invalid(
            "country",
            format!("not a country of operation: {s:?}"),
        ))
    }
}
