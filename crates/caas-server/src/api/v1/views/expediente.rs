//! The expediente de compra as the API shows it: the order, the factory's
//! view, the timeline, estimate revisions, payments, invoices and (for the
//! customer, once the car has a VIN) its maintenance status from VSS and
//! the services bought for the car.

use super::{MaintenanceStatusOut, MoneyOut, OrderOut, PaymentOut, ServicesOut};
use caas_app::orders::expediente::Expediente;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// The expediente: order, timeline, estimate history, payments, invoices.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpedienteOut {
    /// The order.
    pub order: OrderOut,
    /// Factory status and dates.
    pub factory: FactoryOut,
    /// Timeline entries, oldest first.
    pub timeline: Vec<TimelineEntryOut>,
    /// Estimate revisions, oldest first (old date, new date, reason).
    pub estimate_history: Vec<EstimateRevisionOut>,
    /// Payments.
    pub payments: Vec<PaymentOut>,
    /// Invoices with their download path.
    pub invoices: Vec<InvoiceOut>,
    /// Maintenance status from VSS; `null` until the car has a VIN (and on
    /// staff views).
    pub maintenance: Option<MaintenanceStatusOut>,
    /// Services bought for the car: active now, history, invoices (empty
    /// on staff views).
    pub services: ServicesOut,
}

/// The factory order as the factory reports it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FactoryOut {
    /// Factory order id once accepted.
    pub factory_order_id: Option<String>,
    /// Factory status (`accepted`, `in_production`, …).
    pub status: Option<String>,
    /// Highest factory event sequence applied.
    pub last_sequence: i64,
    /// The factory's estimate of completion.
    pub estimated_completion_date: Option<NaiveDate>,
    /// Always true: dates are the factory's estimates, never caas's promises.
    pub estimate_is_from_factory: bool,
    /// Estimated arrival at the dealership.
    pub estimated_arrival_date: Option<NaiveDate>,
    /// At the dealership from.
    pub available_from: Option<DateTime<Utc>>,
    /// VIN once completed.
    pub vin: Option<String>,
    /// Why the factory refused the order.
    pub violations: Vec<ViolationOut>,
    /// Placement attempts.
    pub attempts: u32,
    /// Last placement error.
    pub last_error: Option<String>,
}

/// One reason the factory refused an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationOut {
    /// Factory rule code.
    pub code: String,
    /// Field at fault.
    pub field: Option<String>,
    /// Value at fault.
    pub value: Option<String>,
    /// Options that cannot go together (`option_combination_invalid`).
    pub conflicting_codes: Vec<String>,
    /// Option whose component is missing (`component_unavailable`).
    pub option_code: Option<String>,
    /// The missing component (`component_unavailable`).
    pub component: Option<String>,
}

/// One timeline entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntryOut {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened (`sale_registered`, `senal_paid`, `factory_milestone`, …).
    pub kind: String,
    /// Details of that kind of entry (amounts as minor units and currency).
    #[schema(value_type = std::collections::BTreeMap<String, Object>)]
    pub data: serde_json::Value,
}

/// One revision of the factory's estimate.
#[derive(Debug, Serialize, ToSchema)]
pub struct EstimateRevisionOut {
    /// When the factory revised it.
    pub at: DateTime<Utc>,
    /// Date before.
    pub previous: Option<NaiveDate>,
    /// Date now.
    pub new: NaiveDate,
    /// Factory reason code.
    pub reason_code: Option<String>,
    /// Reason.
    pub reason: Option<String>,
}

/// An invoice.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceOut {
    /// `inv_…`.
    pub id: String,
    /// Consecutive number (`F-2026-000001`).
    pub number: String,
    /// Total.
    pub total: MoneyOut,
    /// Issue time.
    pub issued_at: DateTime<Utc>,
    /// Where to download the PDF.
    pub pdf: String,
}

/// Builds the expediente JSON; `invoice_base` prefixes invoice download paths.
pub fn expediente_out(e: &Expediente, invoice_base: &str) -> ExpedienteOut {
    let f = &e.order.factory;
    ExpedienteOut {
        order: OrderOut::from(&e.order),
        factory: FactoryOut {
            factory_order_id: f.factory_order_id.clone(),
            status: f.status.clone(),
            last_sequence: f.last_sequence,
            estimated_completion_date: f.estimated_completion_date,
            estimate_is_from_factory: true,
            estimated_arrival_date: f.estimated_arrival_date,
            available_from: f.available_from,
            vin: f.vin.clone(),
            violations: f
                .violations
                .iter()
                .map(|v| ViolationOut {
                    code: v.code.clone(),
                    field: v.field.clone(),
                    value: v.value.clone(),
                    conflicting_codes: v.conflicting_codes.clone(),
                    option_code: v.option_code.clone(),
                    component: v.component.clone(),
                })
                .collect(),
            attempts: f.attempts,
            last_error: f.last_error.clone(),
        },
        timeline: e
            .timeline
            .iter()
            .map(|t| TimelineEntryOut {
                at: t.at,
                kind: t.kind.key(),
                data: t.data.clone(),
            })
            .collect(),
        estimate_history: e
            .estimates
            .iter()
            .map(|r| EstimateRevisionOut {
                at: r.at,
                previous: r.previous,
                new: r.new,
                reason_code: r.reason_code.clone(),
                reason: r.reason.clone(),
            })
            .collect(),
        payments: e.payments.iter().map(PaymentOut::from).collect(),
        invoices: e
            .invoices
            .iter()
            .map(|i| InvoiceOut {
                id: i.id.to_string(),
                number: i.number.clone(),
                total: i.total.into(),
                issued_at: i.issued_at,
                pdf: format!("{invoice_base}/{}", i.id),
            })
            .collect(),
        maintenance: None,
        services: ServicesOut::default(),
    }
}
