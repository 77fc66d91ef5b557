//! Validation of `POST /v1/shipments` (`transport-api.md`): the request shape
//! (`400 invalid_request` with `details.field`), the business rules
//! (`422 validation_failed` with every violation) and the windows the
//! carrier plans for a booking.

use caas_domain::partners_delivery::{PartnerAddress, ShipmentRequest, TimeWindow};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

/// Countries the carrier delivers to.
pub const SERVED_COUNTRIES: [&str; 5] = ["ES", "PT", "FR", "DE", "IT"];
/// Postal code that is never served.
pub const UNSERVED_POSTAL_CODE: &str = "00000";
/// Bookings further ahead than this are refused.
pub const MAX_DAYS_AHEAD: i64 = 60;
/// Longest delivery window.
pub const MAX_WINDOW_HOURS: i64 = 4;
/// Longest `notes`.
pub const MAX_NOTES_CHARS: usize = 500;

/// Whether `v` is a contract VIN: 17 chars of `[A-HJ-NPR-Z0-9]`.
pub fn is_vin(v: &str) -> bool {
    v.len() == 17
        && v.bytes()
            .all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"IOQ".contains(&b)))
}

/// Whether `v` is an E.164 number (`+`, 8–15 digits, no leading 0).
pub fn is_e164(v: &str) -> bool {
    let Some(digits) = v.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

fn is_id(v: &str) -> bool {
    (1..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn address(prefix: &str, a: &PartnerAddress, bad: &mut Option<(String, &'static str)>) {
    let country_ok = a.country.len() == 2 && a.country.bytes().all(|b| b.is_ascii_uppercase());
    let checks = [
        ("line1", !a.line1.trim().is_empty(), "must not be empty"),
        (
            "postal_code",
            !a.postal_code.trim().is_empty(),
            "must not be empty",
        ),
        (
            "locality",
            !a.locality.trim().is_empty(),
            "must not be empty",
        ),
        (
            "country",
            country_ok,
            "must be ISO 3166-1 alpha-2, upper case",
        ),
    ];
    for (field, ok, msg) in checks {
        if !ok && bad.is_none() {
            *bad = Some((format!("{prefix}.{field}"), msg));
        }
    }
}

/// The first shape problem as `(field, message)` (→ `400 invalid_request`).
pub fn check_shape(r: &ShipmentRequest) -> Result<(), (String, &'static str)> {
    let mut bad: Option<(String, &'static str)> = None;
    let fields = [
        (
            "shipment_reference",
            is_id(&r.shipment_reference),
            "must be an id of 1-64 [A-Za-z0-9_-]",
        ),
        ("vin", is_vin(&r.vin), "must be 17 chars of [A-HJ-NPR-Z0-9]"),
        (
            "plate_number",
            !r.plate_number.trim().is_empty(),
            "must not be empty",
        ),
        (
            "pickup.type",
            matches!(r.pickup.kind.as_str(), "factory" | "dealership"),
            "must be factory or dealership",
        ),
        (
            "pickup.location_id",
            is_id(&r.pickup.location_id),
            "must be an id",
        ),
        (
            "destination.contact_name",
            !r.destination.contact_name.trim().is_empty(),
            "must not be empty",
        ),
        (
            "recipient.name",
            !r.recipient.name.trim().is_empty(),
            "must not be empty",
        ),
        (
            "recipient.id_document_type",
            !r.recipient.id_document_type.trim().is_empty(),
            "must not be empty",
        ),
        (
            "recipient.id_document_number",
            !r.recipient.id_document_number.trim().is_empty(),
            "must not be empty",
        ),
        (
            "return_dealership.dealership_id",
            is_id(&r.return_dealership.dealership_id),
            "must be an id",
        ),
        (
            "notes",
            r.notes
                .as_ref()
                .is_none_or(|n| n.chars().count() <= MAX_NOTES_CHARS),
            "must be at most 500 characters",
        ),
    ];
    for (field, ok, msg) in fields {
        if !ok && bad.is_none() {
            bad = Some((field.to_owned(), msg));
        }
    }
    address("pickup.address", &r.pickup.address, &mut bad);
    address("destination.address", &r.destination.address, &mut bad);
    address(
        "return_dealership.address",
        &r.return_dealership.address,
        &mut bad,
    );
    bad.map_or(Ok(()), Err)
}

/// Whether `w` is a valid delivery window (end after start, at most 4 h).
pub fn window_ok(w: &TimeWindow) -> bool {
    w.end > w.start && w.end - w.start <= Duration::hours(MAX_WINDOW_HOURS)
}

/// Every business-rule violation as `{"code","field"}` (→ `422 validation_failed`).
pub fn violations(r: &ShipmentRequest, now: DateTime<Utc>) -> Vec<Value> {
    let mut found = Vec::new();
    let mut add = |code: &str, field: &str| found.push(json!({"code": code, "field": field}));
    let dest = &r.destination.address;
    if !SERVED_COUNTRIES.contains(&dest.country.as_str()) {
        add("address_not_serviceable", "destination.address.country");
    }
    if dest.postal_code.trim() == UNSERVED_POSTAL_CODE {
        add("address_not_serviceable", "destination.address.postal_code");
    }
    if !is_e164(&r.destination.contact_phone) {
        add("invalid_phone", "destination.contact_phone");
    }
    if r.earliest_pickup_at > now + Duration::days(MAX_DAYS_AHEAD) {
        add("earliest_pickup_too_far", "earliest_pickup_at");
    }
    if r.preferred_delivery_window
        .as_ref()
        .is_some_and(|w| !window_ok(w))
    {
        add("invalid_window", "preferred_delivery_window");
    }
    found
}

fn ceil_hour(t: DateTime<Utc>) -> DateTime<Utc> {
    let secs = t.timestamp().div_euclid(3600) * 3600;
    let floor = DateTime::from_timestamp(secs, 0).unwrap_or(t);
    if floor < t {
        floor + Duration::hours(1)
    } else {
        floor
    }
}

/// The carrier's plan for a booking: a 2 h pickup window starting on the
/// hour at or after `max(earliest_pickup_at, now)`, and the preferred
/// delivery window when it starts after that (else a 4 h window 2 h after
/// the pickup window).
pub fn plan_windows(r: &ShipmentRequest, now: DateTime<Utc>) -> (TimeWindow, TimeWindow) {
    let start = ceil_hour(r.earliest_pickup_at.max(now));
    let pickup = TimeWindow {
        start,
        end: start + Duration::hours(2),
    };
    let delivery = match &r.preferred_delivery_window {
        Some(w) if w.start >= pickup.start && window_ok(w) => w.clone(),
        _ => {
            let start = pickup.end + Duration::hours(2);
            TimeWindow {
                start,
                end: start + Duration::hours(MAX_WINDOW_HOURS),
            }
        }
    };
    (pickup, delivery)
}

/// The same window moved by `days` (agreed windows, proposed alternatives).
pub fn shifted(w: &TimeWindow, days: i64) -> TimeWindow {
    TimeWindow {
        start: w.start + Duration::days(days),
        end: w.end + Duration::days(days),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn carrier_formats_vin_and_e164() {
        assert!(is_vin("VSSZZZ5FZR6000123"));
        assert!(!is_vin("VSSZZZ5FZR600012O") && !is_vin("vsszzz5fzr6000123"));
        assert!(is_e164("+34612345678"));
        for bad in ["612345678", "+034612345678", "+34 612 345 678", "+1234567"] {
            assert!(!is_e164(bad), "{bad}");
        }
    }

    #[test]
    fn carrier_plans_windows_on_the_hour_after_the_earliest_pickup() {
        let now = at("2026-05-10T09:20:00Z");
        let mut req: ShipmentRequest = serde_json::from_value(serde_json::json!({
            "shipment_reference": "dlv_1", "vin": "VSSZZZ5FZR6000123", "plate_number": "1",
            "pickup": {"type": "factory", "location_id": "f1", "address": {"line1": "a",
                "postal_code": "1", "locality": "b", "country": "ES"}},
            "destination": {"address": {"line1": "a", "postal_code": "1", "locality": "b",
                "country": "ES"}, "contact_name": "c", "contact_phone": "+34612345678"},
            "recipient": {"name": "n", "id_document_type": "dni", "id_document_number": "1"},
            "return_dealership": {"dealership_id": "d", "address": {"line1": "a",
                "postal_code": "1", "locality": "b", "country": "ES"}},
            "earliest_pickup_at": "2026-05-12T08:30:00Z"}))
        .unwrap();
        let (pickup, delivery) = plan_windows(&req, now);
        assert_eq!(
            (pickup.start, pickup.end),
            (at("2026-05-12T09:00:00Z"), at("2026-05-12T11:00:00Z"))
        );
        assert_eq!(
            (delivery.start, delivery.end),
            (at("2026-05-12T13:00:00Z"), at("2026-05-12T17:00:00Z"))
        );
        let early = TimeWindow {
            start: at("2026-05-12T08:00:00Z"),
            end: at("2026-05-12T10:00:00Z"),
        };
        req.preferred_delivery_window = Some(early);
        assert_eq!(
            plan_windows(&req, now).1,
            delivery,
            "never before the pickup"
        );
        req.earliest_pickup_at = at("2026-05-01T00:00:00Z");
        assert_eq!(plan_windows(&req, now).0.start, at("2026-05-10T10:00:00Z"));
        assert!(violations(&req, now).is_empty());
    }
}
