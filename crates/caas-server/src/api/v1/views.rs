//! JSON shapes shared by the order, sale and notification resources.

use caas_app::orders::expediente::Expediente;
use caas_domain::order::Order;
use caas_domain::payment::Payment;
use serde::Serialize;
use serde_json::{json, Value};
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
    /// Vehicle price (minor units + currency).
    #[schema(value_type = Object)]
    pub vehicle_price: Value,
    /// Señal.
    #[schema(value_type = Object)]
    pub senal: Value,
    /// Scheduled maintenance included.
    pub maintenance_included: bool,
    /// Factory order id once accepted.
    pub factory_order_id: Option<String>,
    /// The factory's current estimate of completion (an estimate, never ours).
    pub estimated_completion_date: Option<String>,
    /// VIN once completed.
    pub vin: Option<String>,
    /// Registration time.
    pub created_at: String,
    /// Delivery half: vehicle, final-payment terms, reception, registration
    /// (plate), home delivery with its attempts, app link.
    #[schema(value_type = Object)]
    pub delivery: Value,
}

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
    /// History (kept across owners).
    #[schema(value_type = Object)]
    pub history: Value,
    /// Latest state reported by the car, presence.
    #[schema(value_type = Object)]
    pub connectivity: Value,
}

impl From<&caas_domain::vehicle::Vehicle> for VehicleOut {
    fn from(v: &caas_domain::vehicle::Vehicle) -> Self {
        Self {
            id: v.id.to_string(),
            vin: v.vin.clone(),
            platform_code: v.platform_code.clone(),
            option_codes: v.option_codes.clone(),
            dealership_id: v.dealership_id.to_string(),
            status: if v.is_stock() {
                "SIN_ASIGNAR".into()
            } else {
                "ASSIGNED".into()
            },
            plate_number: v.plate_number.clone(),
            live_keys: v.live_keys().count(),
            history: json!(v.history),
            connectivity: json!({"presence": v.presence, "presence_at": v.presence_at, "state": v.last_state}),
        }
    }
}

fn money(m: caas_domain::money::Money) -> Value {
    json!({"amount": m.minor, "currency": m.currency.code()})
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
            vehicle_price: money(o.plan.vehicle_price),
            senal: money(o.plan.senal),
            maintenance_included: o.plan.maintenance_included,
            factory_order_id: o.factory.factory_order_id.clone(),
            estimated_completion_date: o.factory.estimated_completion_date.map(|d| d.to_string()),
            vin: o.factory.vin.clone(),
            created_at: o.created_at.to_rfc3339(),
            delivery: json!({
                "vehicle_id": o.vehicle_id, "from_stock": o.from_stock,
                "final_payment": o.final_payment, "reception": o.reception,
                "registration": o.registration, "home": o.home,
                "app_link": {"key_id": o.app_link.key_id, "attempts": o.app_link.attempts,
                             "last_error": o.app_link.last_error, "linked_at": o.app_link.linked_at,
                             "pending": o.app_link.pending_command.is_some()},
            }),
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
    #[schema(value_type = Object)]
    pub amount: Value,
    /// `dealership` or `online`.
    pub channel: String,
    /// Decline code when declined.
    pub decline_code: Option<String>,
    /// Gateway message when declined or failed.
    pub failure_message: Option<String>,
    /// Created.
    pub created_at: String,
}

impl From<&Payment> for PaymentOut {
    fn from(p: &Payment) -> Self {
        Self {
            id: p.id.to_string(),
            kind: p.kind.as_str().to_owned(),
            state: p.state.as_str().to_owned(),
            amount: money(p.amount),
            channel: serde_json::to_value(p.channel)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            decline_code: p.decline_code.clone(),
            failure_message: p.failure_message.clone(),
            created_at: p.created_at.to_rfc3339(),
        }
    }
}

/// The expediente: order, timeline, estimate history, payments, invoices.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpedienteOut {
    /// The order.
    pub order: OrderOut,
    /// Factory status and dates.
    #[schema(value_type = Object)]
    pub factory: Value,
    /// Timeline entries, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub timeline: Vec<Value>,
    /// Estimate revisions, oldest first (old date, new date, reason).
    #[schema(value_type = Vec<Object>)]
    pub estimate_history: Vec<Value>,
    /// Payments.
    pub payments: Vec<PaymentOut>,
    /// Invoices with their download path.
    #[schema(value_type = Vec<Object>)]
    pub invoices: Vec<Value>,
}

/// Builds the expediente JSON; `invoice_base` prefixes invoice download paths.
pub fn expediente_out(e: &Expediente, invoice_base: &str) -> ExpedienteOut {
    let f = &e.order.factory;
    ExpedienteOut {
        order: OrderOut::from(&e.order),
        factory: json!({
            "factory_order_id": f.factory_order_id, "status": f.status, "last_sequence": f.last_sequence,
            "estimated_completion_date": f.estimated_completion_date, "estimate_is_from_factory": true,
            "estimated_arrival_date": f.estimated_arrival_date, "available_from": f.available_from,
            "vin": f.vin, "violations": f.violations, "attempts": f.attempts, "last_error": f.last_error,
        }),
        timeline: e.timeline.iter().map(|t| json!({"at": t.at, "kind": t.kind, "data": t.data})).collect(),
        estimate_history: e
            .estimates
            .iter()
            .map(|r| json!({"at": r.at, "previous": r.previous, "new": r.new, "reason_code": r.reason_code, "reason": r.reason}))
            .collect(),
        payments: e.payments.iter().map(PaymentOut::from).collect(),
        invoices: e
            .invoices
            .iter()
            .map(|i| {
                json!({"id": i.id, "number": i.number, "total": money(i.total), "issued_at": i.issued_at,
                       "pdf": format!("{invoice_base}/{}", i.id)})
            })
            .collect(),
    }
}
