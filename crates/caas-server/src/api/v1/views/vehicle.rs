//! A vehicle as the API shows it: identity, keys, history and what the car
//! last said about itself.

use caas_domain::vehicle::Vehicle;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A vehicle (stock list, expediente).
#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleOut {
    /// `veh_…`.
    pub id: String,
    /// VIN.
    pub vin: String,
    /// Plataforma base.
    pub platform_code: String,
    /// Options built in.
    pub option_codes: Vec<String>,
    /// Dealership holding it.
    pub dealership_id: String,
    /// `ASSIGNED` or `SIN_ASIGNAR`.
    pub status: String,
    /// Plate once registered.
    pub plate_number: Option<String>,
    /// Keys not revoked.
    pub live_keys: usize,
    /// History (kept across owners), oldest first.
    pub history: Vec<VehicleEventOut>,
    /// Presence and the latest state the car reported.
    pub connectivity: ConnectivityOut,
}

/// One line of a vehicle's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleEventOut {
    /// When.
    pub at: DateTime<Utc>,
    /// What happened (`received`, `sold`, `registered`, …).
    pub event: String,
    /// The order it happened under.
    pub order_id: Option<String>,
    /// Details.
    pub detail: String,
}

/// Whether the car is reachable and what it last reported.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectivityOut {
    /// `online` or `offline`, as the car last announced.
    pub presence: Option<String>,
    /// When the presence was last announced.
    pub presence_at: Option<DateTime<Utc>>,
    /// Time of the latest state report.
    pub reported_at: Option<DateTime<Utc>>,
    /// Firmware version of the latest report.
    pub firmware_version: Option<String>,
    /// Odometer of the latest report, km.
    pub odometer_km: Option<f64>,
    /// Features the car reported, with their state.
    pub features: Vec<FeatureOut>,
}

/// A feature of the car as it reported it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeatureOut {
    /// IoT feature code.
    pub code: String,
    /// Switched on.
    pub enabled: bool,
    /// Until when, for time-limited features.
    pub valid_until: Option<DateTime<Utc>>,
}

impl From<&Vehicle> for VehicleOut {
    fn from(v: &Vehicle) -> Self {
        let report = v.last_state.as_ref();
        Self {
            id: v.id.to_string(),
            vin: v.vin.clone(),
            platform_code: v.platform_code.clone(),
            option_codes: v.option_codes.clone(),
            dealership_id: v.dealership_id.to_string(),
            status: if v.is_stock() {
                "SIN_ASIGNAR"
            } else {
                "ASSIGNED"
            }
            .into(),
            plate_number: v.plate_number.clone(),
            live_keys: v.live_keys().count(),
            history: v
                .history
                .iter()
                .map(|h| VehicleEventOut {
                    at: h.at,
                    event: h.event.clone(),
                    order_id: h.order_id.as_ref().map(|o| o.to_string()),
                    detail: h.detail.clone(),
                })
                .collect(),
            connectivity: ConnectivityOut {
                presence: v.presence.as_ref().map(|p| p.status.clone()),
                presence_at: v.presence_at,
                reported_at: report.map(|r| r.reported_at),
                firmware_version: report.map(|r| r.firmware_version.clone()),
                odometer_km: report.map(|r| r.odometer_km),
                features: report
                    .map(|r| {
                        r.features
                            .iter()
                            .map(|f| FeatureOut {
                                code: f.code.clone(),
                                enabled: f.enabled,
                                valid_until: f.valid_until,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            },
        }
    }
}
