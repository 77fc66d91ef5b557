//! Ports for the partner systems of the delivery half (issue 4): the
//! per-country registration services (`registration-api.md`) and the carrier
//! (`transport-api.md`). Shapes follow the contracts; the HTTP clients live
//! in `caas-partners`, the simulators in `caas-sim`.

use crate::partners::{CallError, RawEvent};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An address as the registry and the carrier expect it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerAddress {
    /// Street and number.
    pub line1: String,
    /// Optional second line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// Town or city.
    pub locality: String,
    /// Optional region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

// ------------------------------------------------------------ registration

/// `owner.id_document` / `owner_id_document`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryIdDocument {
    /// Contract type: `dni`, `nie`, `passport`, `cni`, `nif`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Number as validated.
    pub number: String,
    /// ISO 3166-1 alpha-2.
    pub issuing_country: String,
}

/// `owner` of a registration request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationOwner {
    /// `individual` or `company`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Identity document.
    pub id_document: RegistryIdDocument,
    /// Individuals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_names: Option<String>,
    /// Individuals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_names: Option<String>,
    /// Individuals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    /// Companies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_name: Option<String>,
    /// Owner address (its country = the service's country).
    pub address: PartnerAddress,
    /// Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Optional, E.164.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// `vehicle` of a registration request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationVehicle {
    /// Make.
    pub make: String,
    /// Plataforma base code.
    pub model_code: String,
    /// Commercial name.
    pub model_name: String,
    /// `bev`, `phev`, `hev`, `petrol`, `diesel`.
    pub propulsion: String,
    /// kW.
    pub power_kw: i64,
    /// kg.
    pub mass_kg: i64,
    /// g/km (0 for `bev`).
    pub co2_g_km: i64,
    /// Colour.
    pub colour: String,
    /// Factory completion day.
    pub completed_on: NaiveDate,
    /// Certificate of conformity number.
    pub coc_number: String,
}

/// `proof_of_payment` of a registration request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofOfPayment {
    /// Final invoice number.
    pub invoice_number: String,
    /// Invoice day.
    pub invoice_date: NaiveDate,
    /// Vehicle price, minor units.
    pub total_amount: i64,
    /// Paid so far (= total when fully paid).
    pub amount_paid: i64,
    /// ISO 4217.
    pub currency: String,
    /// When the last payment completed.
    pub paid_at: DateTime<Utc>,
    /// Gateway payment ids.
    pub payment_references: Vec<String>,
}

/// One entry of `documents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationDocumentRef {
    /// `certificate_of_conformity`, `purchase_invoice`, `owner_identity`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Opaque platform document id.
    pub reference: String,
    /// Optional hex digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// Body of `POST /v1/registrations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationRequest {
    /// 17-char VIN.
    pub vin: String,
    /// The service's country.
    pub country: String,
    /// Owner.
    pub owner: RegistrationOwner,
    /// Technical data.
    pub vehicle: RegistrationVehicle,
    /// Filing dealership.
    pub dealership_id: String,
    /// Proof of full payment.
    pub proof_of_payment: ProofOfPayment,
    /// Supporting documents.
    pub documents: Vec<RegistrationDocumentRef>,
}

/// The registry's Registration object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// e.g. `reg_es_8H2K`.
    pub registration_id: String,
    /// Country.
    pub country: String,
    /// `DGT`, `IMT`, `ANTS`, `KBA`, `MCTC`.
    pub authority: String,
    /// VIN.
    pub vin: String,
    /// Plate, verbatim.
    pub plate_number: String,
    /// Legal registration day.
    pub registration_date: NaiveDate,
    /// When registered.
    pub registered_at: DateTime<Utc>,
    /// Registration certificate number.
    pub certificate_number: String,
    /// Owner document as registered.
    pub owner_id_document: RegistryIdDocument,
}

/// Outcome of `POST /v1/registrations` other than 200/201.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum RegistrationError {
    /// 4xx other than `registration_in_progress`: manual handling, never
    /// retried unchanged (`owner_identity_invalid`, `missing_document`,
    /// `vehicle_already_registered`, `invalid_vehicle_data`, `wrong_country`,
    /// `invalid_request`).
    #[error("registration refused {code}: {message}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// Contract code.
        code: String,
        /// Registry message.
        message: String,
        /// Per-code details.
        details: serde_json::Value,
    },
    /// Timeouts, 503 and `409 registration_in_progress` (with `Retry-After`).
    #[error(transparent)]
    Call(#[from] CallError),
}

/// One country's registration service.
#[async_trait]
pub trait RegistrationApi: Send + Sync + 'static {
    /// `POST /v1/registrations` (idempotent on the VIN; a 200 replay is success).
    async fn register(&self, req: &RegistrationRequest) -> Result<Registration, RegistrationError>;
    /// `GET /v1/registrations?vin=`: the registration of this VIN, if any.
    async fn find_by_vin(&self, vin: &str) -> Result<Option<Registration>, CallError>;
}

// --------------------------------------------------------------- transport

/// A time window (`planned_pickup`, `planned_delivery`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeWindow {
    /// Start.
    pub start: DateTime<Utc>,
    /// End (delivery windows are at most 4 h long).
    pub end: DateTime<Utc>,
}

/// `pickup` of a shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentPickup {
    /// `factory` or `dealership`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where.
    pub location_id: String,
    /// Address.
    pub address: PartnerAddress,
}

/// `destination` of a shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentDestination {
    /// Delivery address.
    pub address: PartnerAddress,
    /// Who to ask for.
    pub contact_name: String,
    /// E.164 phone the driver calls.
    pub contact_phone: String,
}

/// `recipient`: whom the driver may hand the vehicle to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentRecipient {
    /// Full name.
    pub name: String,
    /// Document type (contract names, e.g. `dni`).
    pub id_document_type: String,
    /// Document number.
    pub id_document_number: String,
}

/// `return_dealership`: where a failed delivery goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnDealership {
    /// Dealership id.
    pub dealership_id: String,
    /// Its address.
    pub address: PartnerAddress,
}

/// Body of `POST /v1/shipments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentRequest {
    /// Our unique reference.
    pub shipment_reference: String,
    /// VIN.
    pub vin: String,
    /// Plate.
    pub plate_number: String,
    /// Pickup.
    pub pickup: ShipmentPickup,
    /// Destination.
    pub destination: ShipmentDestination,
    /// Recipient.
    pub recipient: ShipmentRecipient,
    /// Return dealership.
    pub return_dealership: ReturnDealership,
    /// Never pick up earlier (factory's `available_from`).
    pub earliest_pickup_at: DateTime<Utc>,
    /// Customer's preferred window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_delivery_window: Option<TimeWindow>,
    /// Notes for the driver (≤ 500 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `carrier` of a shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierInfo {
    /// Carrier id.
    pub carrier_id: String,
    /// Name.
    pub name: String,
    /// E.164.
    pub phone: String,
}

/// The carrier's Shipment object (fields the platform uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    /// `shp_…`.
    pub shipment_id: String,
    /// Our reference.
    pub shipment_reference: String,
    /// `booked`, `embarked`, `arrived`, `delivered`, `attempt_failed`,
    /// `awaiting_redelivery`, `returning_to_dealership`,
    /// `returned_to_dealership`, `received_at_dealership`, `cancelled`.
    pub status: String,
    /// VIN.
    pub vin: String,
    /// Carrier.
    #[serde(default)]
    pub carrier: Option<CarrierInfo>,
    /// Planned pickup.
    #[serde(default)]
    pub planned_pickup: Option<TimeWindow>,
    /// Planned delivery.
    #[serde(default)]
    pub planned_delivery: Option<TimeWindow>,
    /// Home delivery attempts made.
    #[serde(default)]
    pub delivery_attempts: u32,
    /// Sequence of the latest event.
    #[serde(default)]
    pub last_sequence: i64,
}

/// Outcome of a shipment call other than 2xx.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum ShipmentError {
    /// 422 `validation_failed` / `window_not_available`, 409
    /// `active_shipment_exists` / `duplicate_shipment_reference` /
    /// `shipment_not_cancellable` / `shipment_not_reschedulable`, 404.
    #[error("carrier refused {code}: {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// Contract code.
        code: String,
        /// Carrier message.
        message: String,
        /// Per-code details (`violations`, `alternatives`, `shipment_id`…).
        details: serde_json::Value,
    },
    /// Timeouts, 503 `carrier_unavailable`, 5xx.
    #[error(transparent)]
    Call(#[from] CallError),
}

/// The carrier (`shared/contracts/transport-api.md`).
#[async_trait]
pub trait TransportApi: Send + Sync + 'static {
    /// `POST /v1/shipments` with `Idempotency-Key: key`.
    async fn book(&self, req: &ShipmentRequest, key: &str) -> Result<Shipment, ShipmentError>;
    /// `GET /v1/shipments/{id}`; `None` on 404.
    async fn get_shipment(&self, shipment_id: &str) -> Result<Option<Shipment>, CallError>;
    /// `GET /v1/shipments/{id}/events`, in sequence order.
    async fn list_events(&self, shipment_id: &str) -> Result<Vec<RawEvent>, CallError>;
    /// `POST /v1/shipments/{id}/reschedule` with `Idempotency-Key: key`.
    async fn reschedule(
        &self,
        shipment_id: &str,
        window: &TimeWindow,
        reason: &str,
        key: &str,
    ) -> Result<Shipment, ShipmentError>;
    /// `POST /v1/shipments/{id}/cancel`.
    async fn cancel(&self, shipment_id: &str, reason: &str) -> Result<Shipment, ShipmentError>;
}
