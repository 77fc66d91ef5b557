//! The delivery half of an order as the API shows it: final-payment terms,
//! reception, registration, home delivery with its attempts, app link.

use super::money::MoneyOut;
use caas_domain::order::Order;
use caas_domain::order_delivery::{
    DeliveryAttempt, FinalPaymentTerms, Handover, HomeDelivery, Reception, RegistrationLink,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// Delivery half of an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    /// `veh_…` once a vehicle is assigned.
    pub vehicle_id: Option<String>,
    /// Sold from the dealership's sin asignar stock.
    pub from_stock: bool,
    /// Final-payment terms once the vehicle is at the dealership.
    pub final_payment: Option<FinalPaymentOut>,
    /// Reception of the vehicle at the dealership.
    pub reception: Option<ReceptionOut>,
    /// Registration with the authority.
    pub registration: RegistrationOut,
    /// Home delivery.
    pub home: HomeDeliveryOut,
    /// The customer's app linked to the car.
    pub app_link: AppLinkOut,
}

/// What is owed after the señal, and by when.
#[derive(Debug, Serialize, ToSchema)]
pub struct FinalPaymentOut {
    /// Vehicle price minus the señal.
    pub amount: MoneyOut,
    /// When it was requested.
    pub requested_at: DateTime<Utc>,
    /// Pay by this time or the reservation is lost.
    pub deadline: DateTime<Utc>,
    /// When it settled.
    pub settled_at: Option<DateTime<Utc>>,
}

/// A vehicle received at the dealership.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceptionOut {
    /// When.
    pub at: DateTime<Utc>,
    /// Staff member who received it.
    pub by_name: String,
    /// Their notes.
    pub notes: Option<String>,
}

/// Registration with the authority.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationOut {
    /// Requests sent so far.
    pub attempts: u32,
    /// Submission number (a corrected request is a new submission).
    pub submission: u32,
    /// Last error, if the last request failed.
    pub last_error: Option<String>,
    /// The authority's error code.
    pub last_code: Option<String>,
    /// The registry's id of the request.
    pub registration_id: Option<String>,
    /// Registering authority.
    pub authority: Option<String>,
    /// Plate number once registered.
    pub plate_number: Option<String>,
    /// Registration certificate number.
    pub certificate_number: Option<String>,
    /// Date of registration.
    pub registration_date: Option<NaiveDate>,
}

/// A delivery window.
#[derive(Debug, Serialize, ToSchema)]
pub struct WindowOut {
    /// Start.
    pub start: DateTime<Utc>,
    /// End (at most 4 h after the start).
    pub end: DateTime<Utc>,
}

/// One delivery attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptOut {
    /// 1, 2, …
    pub number: u32,
    /// Carrier's shipment id.
    pub shipment_id: String,
    /// Carrier.
    pub carrier: String,
    /// Agreed window.
    pub window: Option<WindowOut>,
    /// Loaded on the truck.
    pub embarked_at: Option<DateTime<Utc>>,
    /// Arrived at the address.
    pub arrived_at: Option<DateTime<Utc>>,
    /// Carrier's handover outcome (`delivered`, `recipient_absent`, …).
    pub handover_outcome: Option<String>,
    /// Outcome of the phone call to the customer.
    pub phone_outcome: Option<String>,
    /// `pending`, `delivered`, `rescheduled` or `returned`.
    pub outcome: String,
}

/// A handover with the identity checked.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverOut {
    /// When.
    pub at: DateTime<Utc>,
    /// `home` or `dealership`.
    pub place: String,
    /// Who received the car.
    pub receiver_name: String,
    /// Document type checked.
    pub document_type: String,
    /// Last 4 characters of the document number.
    pub document_last4: String,
}

/// Home delivery with its attempts.
#[derive(Debug, Serialize, ToSchema)]
pub struct HomeDeliveryOut {
    /// Current shipment id.
    pub shipment_id: Option<String>,
    /// Our reference of the current shipment.
    pub shipment_reference: Option<String>,
    /// Shipments created so far.
    pub shipments: u32,
    /// Carrier status of the current shipment.
    pub status: Option<String>,
    /// Highest carrier event sequence applied.
    pub last_sequence: i64,
    /// Carrier.
    pub carrier: Option<String>,
    /// Current window.
    pub window: Option<WindowOut>,
    /// Every attempt, oldest first.
    pub attempts: Vec<AttemptOut>,
    /// Last carrier error.
    pub last_error: Option<String>,
    /// Returned to the dealership after failed attempts.
    pub returned: Option<ReceptionOut>,
    /// The handover, once delivered.
    pub handover: Option<HandoverOut>,
}

/// The app linked to the car.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppLinkOut {
    /// Key installed in the car.
    pub key_id: Option<String>,
    /// Install attempts.
    pub attempts: u32,
    /// Last error.
    pub last_error: Option<String>,
    /// When the car confirmed the key.
    pub linked_at: Option<DateTime<Utc>>,
    /// A key install is on its way to the car.
    pub pending: bool,
}

fn window(w: &Option<caas_domain::partners_delivery::TimeWindow>) -> Option<WindowOut> {
    w.as_ref().map(|w| WindowOut {
        start: w.start,
        end: w.end,
    })
}

impl From<&FinalPaymentTerms> for FinalPaymentOut {
    fn from(t: &FinalPaymentTerms) -> Self {
        Self {
            amount: t.amount.into(),
            requested_at: t.requested_at,
            deadline: t.deadline,
            settled_at: t.settled_at,
        }
    }
}

impl From<&Reception> for ReceptionOut {
    fn from(r: &Reception) -> Self {
        Self {
            at: r.at,
            by_name: r.by_name.clone(),
            notes: r.notes.clone(),
        }
    }
}

impl From<&RegistrationLink> for RegistrationOut {
    fn from(r: &RegistrationLink) -> Self {
        Self {
            attempts: r.attempts,
            submission: r.submission,
            last_error: r.last_error.clone(),
            last_code: r.last_code.clone(),
            registration_id: r.registration_id.clone(),
            authority: r.authority.clone(),
            plate_number: r.plate_number.clone(),
            certificate_number: r.certificate_number.clone(),
            registration_date: r.registration_date,
        }
    }
}

impl From<&DeliveryAttempt> for AttemptOut {
    fn from(a: &DeliveryAttempt) -> Self {
        Self {
            number: a.number,
            shipment_id: a.shipment_id.clone(),
            carrier: a.carrier.clone(),
            window: window(&a.window),
            embarked_at: a.embarked_at,
            arrived_at: a.arrived_at,
            handover_outcome: a.handover_outcome.clone(),
            phone_outcome: a.phone_outcome.clone(),
            outcome: a.outcome.as_str().to_owned(),
        }
    }
}

impl From<&Handover> for HandoverOut {
    fn from(h: &Handover) -> Self {
        Self {
            at: h.at,
            place: h.place.clone(),
            receiver_name: h.receiver_name.clone(),
            document_type: h.document_type.clone(),
            document_last4: h.document_last4.clone(),
        }
    }
}

impl From<&HomeDelivery> for HomeDeliveryOut {
    fn from(h: &HomeDelivery) -> Self {
        Self {
            shipment_id: h.shipment_id.clone(),
            shipment_reference: h.shipment_reference.clone(),
            shipments: h.shipments,
            status: h.status.clone(),
            last_sequence: h.last_sequence,
            carrier: h.carrier.clone(),
            window: window(&h.window),
            attempts: h.attempts.iter().map(AttemptOut::from).collect(),
            last_error: h.last_error.clone(),
            returned: h.returned.as_ref().map(ReceptionOut::from),
            handover: h.handover.as_ref().map(HandoverOut::from),
        }
    }
}

impl From<&Order> for DeliveryOut {
    fn from(o: &Order) -> Self {
        Self {
            vehicle_id: o.vehicle_id.as_ref().map(|v| v.to_string()),
            from_stock: o.from_stock,
            final_payment: o.final_payment.as_ref().map(FinalPaymentOut::from),
            reception: o.reception.as_ref().map(ReceptionOut::from),
            registration: (&o.registration).into(),
            home: (&o.home).into(),
            app_link: AppLinkOut {
                key_id: o.app_link.key_id.clone(),
                attempts: o.app_link.attempts,
                last_error: o.app_link.last_error.clone(),
                linked_at: o.app_link.linked_at,
                pending: o.app_link.pending_command.is_some(),
            },
        }
    }
}
