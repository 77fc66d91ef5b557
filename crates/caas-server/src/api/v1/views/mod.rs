//! JSON shapes shared by the order, sale and notification resources. Every
//! field is typed (the OpenAPI test refuses an untyped object) and every
//! amount is a [`MoneyOut`].

mod catalogue;
mod delivery;
mod expediente;
mod inbox;
mod maintenance;
mod money;
mod purchase;
mod services;
mod store;
mod vehicle;

pub use catalogue::*;
pub use delivery::*;
pub use expediente::*;
pub use inbox::*;
pub use maintenance::*;
pub use money::MoneyOut;
pub use purchase::*;
pub use services::*;
pub use store::*;
pub use vehicle::*;

use caas_domain::order::Order;
use caas_domain::payment::Payment;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// An order as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderOut {
    /// `ord_…` (also the factory order reference).
    pub id: String,
    /// State of SPEC §4.1.
    pub state: String,
    /// Customer account.
    pub customer_id: String,
    /// Customer name.
    pub customer_name: String,
    /// Selling dealership.
    pub dealership_id: String,
    /// Plataforma base code.
    pub platform_code: String,
    /// Option codes of the plan comercial.
    pub option_codes: Vec<String>,
    /// Vehicle price.
    pub vehicle_price: MoneyOut,
    /// Señal.
    pub senal: MoneyOut,
    /// Scheduled maintenance included.
    pub maintenance_included: bool,
    /// Factory order id once accepted.
    pub factory_order_id: Option<String>,
    /// The factory's current estimate of completion (an estimate, never ours).
    pub estimated_completion_date: Option<NaiveDate>,
    /// VIN once completed.
    pub vin: Option<String>,
    /// Registration time.
    pub created_at: DateTime<Utc>,
    /// Delivery half: vehicle, final-payment terms, reception, registration
    /// (plate), home delivery with its attempts, app link.
    pub delivery: DeliveryOut,
}

impl From<&Order> for OrderOut {
    fn from(o: &Order) -> Self {
        Self {
            id: o.id.to_string(),
            state: o.state.as_str().to_owned(),
            customer_id: o.customer_id.to_string(),
            customer_name: o.customer.name.clone(),
            dealership_id: o.dealership_id.to_string(),
            platform_code: o.plan.platform_code.clone(),
            option_codes: o.plan.option_codes.clone(),
            vehicle_price: o.plan.vehicle_price.into(),
            senal: o.plan.senal.into(),
            maintenance_included: o.plan.maintenance_included,
            factory_order_id: o.factory.factory_order_id.clone(),
            estimated_completion_date: o.factory.estimated_completion_date,
            vin: o.factory.vin.clone(),
            created_at: o.created_at,
            delivery: DeliveryOut::from(o),
        }
    }
}

/// A payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentOut {
    /// `pay_…`.
    pub id: String,
    /// `SENAL`, `FINAL`.
    pub kind: String,
    /// `CREATED` (processing), `CAPTURED`, `SETTLED`, `DECLINED`, `SETTLEMENT_FAILED`.
    pub state: String,
    /// Amount.
    pub amount: MoneyOut,
    /// `dealership` or `online`.
    pub channel: String,
    /// Decline code when declined.
    pub decline_code: Option<String>,
    /// Gateway message when declined or failed.
    pub failure_message: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl From<&Payment> for PaymentOut {
    fn from(p: &Payment) -> Self {
        Self {
            id: p.id.to_string(),
            kind: p.kind.as_str().to_owned(),
            state: p.state.as_str().to_owned(),
            amount: p.amount.into(),
            channel: match p.channel {
                caas_domain::payment::PaymentChannel::Dealership => "dealership",
                caas_domain::payment::PaymentChannel::Online => "online",
            }
            .to_owned(),
            decline_code: p.decline_code.clone(),
            failure_message: p.failure_message.clone(),
            created_at: p.created_at,
        }
    }
}
