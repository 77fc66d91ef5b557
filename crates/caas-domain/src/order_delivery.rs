//! The delivery half of an order (SPEC §4.1 from the dealership on): the
//! final-payment terms, the dealership reception, the registration, the
//! home delivery with its attempts, and the app link. Each part is kept on
//! the order document beside the factory link.

use crate::fleet::FleetCommand;
use crate::ids::{AccountId, VehicleId};
use crate::money::Money;
use crate::partners_delivery::TimeWindow;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// PAY-3: what the customer still owes and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalPaymentTerms {
    /// Price minus señal.
    pub amount: Money,
    /// Requested at (the availability notice).
    pub requested_at: DateTime<Utc>,
    /// After this the reservation is lost.
    pub deadline: DateTime<Utc>,
    /// Settled at (PAY-6), when complete.
    pub settled_at: Option<DateTime<Utc>>,
}

/// A staff-recorded reception of the vehicle at the dealership (DLV-1, DLV-7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reception {
    /// When.
    pub at: DateTime<Utc>,
    /// Employee who received it.
    pub by: AccountId,
    /// Employee's name, for the expediente.
    pub by_name: String,
    /// Condition notes.
    pub notes: Option<String>,
}

/// The registration side (REG-1..5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RegistrationLink {
    /// Attempts made (audited each).
    pub attempts: u32,
    /// Submissions (a staff correction starts a new one).
    pub submission: u32,
    /// Last refusal, readable for staff and the customer.
    pub last_error: Option<String>,
    /// Registry code of the last refusal.
    pub last_code: Option<String>,
    /// Registry id once registered.
    pub registration_id: Option<String>,
    /// Authority.
    pub authority: Option<String>,
    /// Plate, verbatim.
    pub plate_number: Option<String>,
    /// Certificate number.
    pub certificate_number: Option<String>,
    /// Legal registration day.
    pub registration_date: Option<NaiveDate>,
    /// Owner birth date (individuals), given at the sale or corrected by staff.
    pub owner_birth_date: Option<NaiveDate>,
}

/// Outcome of one home-delivery attempt (DLV-6: nothing else is admissible).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// The attempt is under way.
    Pending,
    /// Handed to the identified customer.
    Delivered,
    /// Absent, new window agreed.
    Rescheduled,
    /// Back to the dealership.
    Returned,
}

impl AttemptOutcome {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Rescheduled => "rescheduled",
            Self::Returned => "returned",
        }
    }
}

/// One home-delivery attempt (DLV-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    /// 1-based, across shipments of the order.
    pub number: u32,
    /// Shipment.
    pub shipment_id: String,
    /// Carrier name.
    pub carrier: String,
    /// Agreed window.
    pub window: Option<TimeWindow>,
    /// Embarkation.
    pub embarked_at: Option<DateTime<Utc>>,
    /// Arrival at the address.
    pub arrived_at: Option<DateTime<Utc>>,
    /// Carrier outcome of the handover (`delivered`, `customer_absent`, …).
    pub handover_outcome: Option<String>,
    /// Phone contact outcome.
    pub phone_outcome: Option<String>,
    /// Final outcome.
    pub outcome: AttemptOutcome,
}

/// Record of a handover with identity check (DLV-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    /// When.
    pub at: DateTime<Utc>,
    /// `home` or `dealership`.
    pub place: String,
    /// Who received it.
    pub receiver_name: String,
    /// Document type checked.
    pub document_type: String,
    /// Last 4 characters of the document number.
    pub document_last4: String,
    /// Carrier proof or staff id.
    pub proof: String,
}

/// The home delivery (DLV-3..8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HomeDelivery {
    /// Current shipment.
    pub shipment_id: Option<String>,
    /// Our reference of the current shipment.
    pub shipment_reference: Option<String>,
    /// Shipments booked so far (the reference and key carry it).
    pub shipments: u32,
    /// Carrier status of the current shipment.
    pub status: Option<String>,
    /// Highest carrier event sequence applied for the current shipment.
    pub last_sequence: i64,
    /// Carrier.
    pub carrier: Option<String>,
    /// Planned delivery window.
    pub window: Option<TimeWindow>,
    /// Attempts over all shipments.
    pub attempts: Vec<DeliveryAttempt>,
    /// Booking errors, for staff.
    pub last_error: Option<String>,
    /// Return reception at the dealership.
    pub returned: Option<Reception>,
    /// The handover.
    pub handover: Option<Handover>,
}

impl HomeDelivery {
    /// The attempt under way, if any.
    pub fn current_attempt_mut(&mut self) -> Option<&mut DeliveryAttempt> {
        self.attempts
            .last_mut()
            .filter(|a| a.outcome == AttemptOutcome::Pending)
    }
}

/// The señal refund of a lost reservation under the `refunded` policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenalRefund {
    /// Gateway refund (`re_…`) once created.
    pub refund_id: Option<String>,
    /// Amount refunded.
    pub amount: crate::money::Money,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    /// When it was asked of the gateway.
    pub requested_at: DateTime<Utc>,
    /// When the gateway reported the final status.
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it failed.
    pub failure: Option<String>,
}

/// The phone-as-key link (DLV-9/10, MOB-3/6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AppLink {
    /// Key being or last installed.
    pub key_id: Option<String>,
    /// Install attempts.
    pub attempts: u32,
    /// Last failure, readable.
    pub last_error: Option<String>,
    /// Linked at.
    pub linked_at: Option<DateTime<Utc>>,
    /// The `app.link` command in flight: republished unchanged until a
    /// final reply, so a crash never installs a key twice under two ids.
    pub pending_command: Option<FleetCommand>,
    /// Public key being installed (base64 DER SPKI).
    pub public_key: Option<String>,
    /// Label of the key (device name).
    pub label: Option<String>,
}

/// The vehicle a sale is on, when it comes from stock (SALE-6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockOrigin {
    /// The stock vehicle.
    pub vehicle_id: VehicleId,
}
