//! The vehicle order: one per registered sale, and the core of the
//! customer's expediente. Holds the plan comercial, the customer snapshot,
//! the delivery address and what the factory told us (SPEC §4.1).

use crate::customer::{IdentityDocument, Phone, PostalAddress};
use crate::ids::{AccountId, DealershipId, OrderId, VehicleId};
use crate::money::Money;
use crate::order_delivery::{
    AppLink, FinalPaymentTerms, HomeDelivery, Reception, RegistrationLink,
};
use crate::partners::FactoryViolation;
use crate::DomainError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// State of a vehicle order (SPEC §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderState {
    /// Sale registered, señal not yet paid.
    SaleRegistered,
    /// Señal captured; factory order being placed.
    Reserved,
    /// Factory timed out or unavailable; retrying under the same key.
    FactoryOrderPending,
    /// Factory refused the order; staff must correct and resubmit.
    OrderRejected,
    /// Factory accepted the order.
    Ordered,
    /// Vehicle being built.
    InProduction,
    /// Vehicle on its way to the dealership's locality.
    InTransitToDealership,
    /// At the dealership; final payment requested, deadline running.
    AwaitingFinalPayment,
    /// Final payment settled; registration under way.
    Paid,
    /// The registry refused (or retries ran out); staff must correct.
    RegistrationIssue,
    /// Registered; home delivery can be booked.
    Registered,
    /// Carrier on its way to the customer.
    OutForDelivery,
    /// Delivery failed; carrier taking it back to the dealership.
    ReturningToDealership,
    /// Received back at the dealership; the customer collects it there.
    HeldAtDealership,
    /// Handed to the identified customer.
    Delivered,
    /// App linked: the vehicle is in service (final).
    Operational,
    /// Final payment not made in time: vehicle back to stock (final).
    ReservationLost,
    /// Sale cancelled by staff before production.
    Cancelled,
}

impl OrderState {
    /// Every state.
    pub const ALL: [Self; 18] = [
        Self::SaleRegistered,
        Self::Reserved,
        Self::FactoryOrderPending,
        Self::OrderRejected,
        Self::Ordered,
        Self::InProduction,
        Self::InTransitToDealership,
        Self::AwaitingFinalPayment,
        Self::Paid,
        Self::RegistrationIssue,
        Self::Registered,
        Self::OutForDelivery,
        Self::ReturningToDealership,
        Self::HeldAtDealership,
        Self::Delivered,
        Self::Operational,
        Self::ReservationLost,
        Self::Cancelled,
    ];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SaleRegistered => "SALE_REGISTERED",
            Self::Reserved => "RESERVED",
            Self::FactoryOrderPending => "FACTORY_ORDER_PENDING",
            Self::OrderRejected => "ORDER_REJECTED",
            Self::Ordered => "ORDERED",
            Self::InProduction => "IN_PRODUCTION",
            Self::InTransitToDealership => "IN_TRANSIT_TO_DEALERSHIP",
            Self::AwaitingFinalPayment => "AWAITING_FINAL_PAYMENT",
            Self::Paid => "PAID",
            Self::RegistrationIssue => "REGISTRATION_ISSUE",
            Self::Registered => "REGISTERED",
            Self::OutForDelivery => "OUT_FOR_DELIVERY",
            Self::ReturningToDealership => "RETURNING_TO_DEALERSHIP",
            Self::HeldAtDealership => "HELD_AT_DEALERSHIP",
            Self::Delivered => "DELIVERED",
            Self::Operational => "OPERATIONAL",
            Self::ReservationLost => "RESERVATION_LOST",
            Self::Cancelled => "CANCELLED",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| DomainError::invalid("state", format!("unknown order state {s:?}")))
    }

    /// Position along the happy path, for the customer's tracker.
    pub fn progress_step(self) -> u8 {
        match self {
            Self::SaleRegistered => 1,
            Self::Reserved | Self::FactoryOrderPending | Self::OrderRejected => 2,
            Self::Ordered => 3,
            Self::InProduction => 4,
            Self::InTransitToDealership => 5,
            Self::AwaitingFinalPayment => 6,
            Self::Paid | Self::RegistrationIssue => 7,
            Self::Registered => 8,
            Self::OutForDelivery | Self::ReturningToDealership | Self::HeldAtDealership => 9,
            Self::Delivered => 10,
            Self::Operational => 11,
            Self::Cancelled | Self::ReservationLost => 0,
        }
    }
}

/// What was bought at the dealership (SALE-2/4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanComercial {
    /// Plataforma base code.
    pub platform_code: String,
    /// Options of that platform, active for the whole service period.
    pub option_codes: Vec<String>,
    /// Vehicle price.
    pub vehicle_price: Money,
    /// Reservation deposit.
    pub senal: Money,
    /// Scheduled maintenance included.
    pub maintenance_included: bool,
}

impl PlanComercial {
    /// Checks the amounts: same currency, señal positive and below the price.
    pub fn check_amounts(&self) -> Result<(), DomainError> {
        if self.vehicle_price.minor <= 0 {
            return Err(DomainError::invalid(
                "vehicle_price",
                "must be greater than zero",
            ));
        }
        if self.senal.currency != self.vehicle_price.currency {
            return Err(DomainError::invalid(
                "senal",
                "must be in the vehicle price's currency",
            ));
        }
        if self.senal.minor <= 0 || self.senal.minor >= self.vehicle_price.minor {
            return Err(DomainError::invalid(
                "senal",
                "must be more than zero and less than the vehicle price",
            ));
        }
        if self.senal.minor > 99_999_999 {
            return Err(DomainError::invalid(
                "senal",
                "too large for one card payment",
            ));
        }
        Ok(())
    }
}

/// The customer as identified at the sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSnapshot {
    /// Full name.
    pub name: String,
    /// Email at the sale.
    pub email: String,
    /// Identity document.
    pub document: IdentityDocument,
    /// Phone.
    pub phone: Option<Phone>,
    /// Home address.
    pub address: PostalAddress,
}

/// What the factory has told us about the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FactoryLink {
    /// `fo_…` once accepted.
    pub factory_order_id: Option<String>,
    /// Factory status (`accepted`, `in_production`…).
    pub status: Option<String>,
    /// Highest event sequence applied.
    pub last_sequence: i64,
    /// Current factory estimate of the completion day (always an estimate).
    pub estimated_completion_date: Option<NaiveDate>,
    /// Estimated arrival at the dealership, from dispatch.
    pub estimated_arrival_date: Option<NaiveDate>,
    /// VIN once the vehicle is completed.
    pub vin: Option<String>,
    /// Time the vehicle is available at the dealership, when reported.
    pub available_from: Option<DateTime<Utc>>,
    /// Violations of the last refusal.
    pub violations: Vec<FactoryViolation>,
    /// Attempts to place the order.
    pub attempts: u32,
    /// Submissions so far (a staff resubmission after a refusal starts a new
    /// one with a new idempotency key, since its body differs).
    pub submission: u32,
    /// Last transient error, for staff.
    pub last_error: Option<String>,
}

/// A vehicle order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Identifier; also the factory `order_reference`.
    pub id: OrderId,
    /// Owner.
    pub customer_id: AccountId,
    /// Selling dealership.
    pub dealership_id: DealershipId,
    /// Employee who registered the sale.
    pub sold_by: AccountId,
    /// State.
    pub state: OrderState,
    /// Plan comercial.
    pub plan: PlanComercial,
    /// Customer at the sale.
    pub customer: CustomerSnapshot,
    /// Delivery address (its country is the registration country).
    pub delivery: PostalAddress,
    /// Factory side.
    pub factory: FactoryLink,
    /// Last word from the factory (for the silence alert).
    pub last_factory_contact: Option<DateTime<Utc>>,
    /// The vehicle, once received at the dealership or when sold from stock.
    pub vehicle_id: Option<VehicleId>,
    /// Sold from the dealership's stock (SALE-6): no factory order.
    pub from_stock: bool,
    /// Final-payment terms once requested (PAY-3).
    pub final_payment: Option<FinalPaymentTerms>,
    /// Dealership reception of the new vehicle (DLV-1).
    pub reception: Option<Reception>,
    /// Registration (REG).
    pub registration: RegistrationLink,
    /// Home delivery (DLV).
    pub home: HomeDelivery,
    /// Phone-as-key link (DLV-9).
    pub app_link: AppLink,
    /// Señal refund after a lost reservation (policy `refunded`).
    pub senal_refund: Option<crate::order_delivery::SenalRefund>,
    /// Optimistic concurrency counter.
    pub version: i64,
    /// Registration time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}
