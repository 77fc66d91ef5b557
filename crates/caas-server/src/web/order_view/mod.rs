//! The view of one order shared by the customer's dashboard and expediente
//! and the intranet's order page: live tracker steps (factory, then the
//! delivery half: final payment, plate, carrier, collection), factory
//! estimate with its revisions, milestone timeline, payments and invoices.

use crate::web::labels;
use crate::web::render::when;
use caas_app::notify::texts::money;
use caas_app::orders::expediente::Expediente;
use caas_domain::account::Language;
use caas_domain::order::OrderState;
use caas_domain::payment::PaymentState;

pub use crate::web::timeline::day;
use crate::web::timeline::timeline_detail;

pub mod delivery;
pub mod maintenance;
pub mod services;
use delivery::{delivery_view, steps, DeliveryView};

/// One step of the tracker.
#[derive(Debug, Clone)]
pub struct Step {
    /// Label.
    pub label: &'static str,
    /// Reached.
    pub done: bool,
    /// The furthest step reached.
    pub current: bool,
}

/// One timeline entry.
#[derive(Debug, Clone)]
pub struct TimelineRow {
    /// When it happened.
    pub at: String,
    /// What happened.
    pub title: String,
    /// Facts shown with it.
    pub detail: String,
}

/// One revision of the factory's estimate.
#[derive(Debug, Clone)]
pub struct RevisionRow {
    /// When the factory revised it.
    pub at: String,
    /// Old date.
    pub previous: String,
    /// New date.
    pub new: String,
    /// Reason given.
    pub reason: String,
}

/// One payment.
#[derive(Debug, Clone)]
pub struct PaymentRow {
    /// What it pays.
    pub kind: &'static str,
    /// Amount.
    pub amount: String,
    /// State label.
    pub state: &'static str,
    /// Declined, for styling.
    pub declined: bool,
    /// Dealership or online.
    pub channel: &'static str,
    /// Started at.
    pub created: String,
    /// Decline reason, if declined.
    pub reason: String,
}

/// One invoice.
#[derive(Debug, Clone)]
pub struct InvoiceRow {
    /// Number.
    pub number: String,
    /// Line description.
    pub description: String,
    /// Total.
    pub total: String,
    /// Issue time.
    pub issued: String,
    /// PDF download link.
    pub href: String,
}

/// An order as every page shows it.
#[derive(Debug, Clone)]
pub struct OrderView {
    /// Order id.
    pub id: String,
    /// State.
    pub state: OrderState,
    /// State label.
    pub state_label: &'static str,
    /// Badge class.
    pub state_class: &'static str,
    /// Cancelled: no tracker steps.
    pub cancelled: bool,
    /// Tracker steps.
    pub steps: Vec<Step>,
    /// Model name in the viewer's language.
    pub model: String,
    /// Model code.
    pub model_code: String,
    /// Plan options: code and name.
    pub options: Vec<(String, String)>,
    /// Vehicle price.
    pub price: String,
    /// Señal amount.
    pub senal: String,
    /// Scheduled maintenance included.
    pub maintenance: bool,
    /// VIN, once the factory reports it.
    pub vin: String,
    /// Factory estimate of completion, or empty.
    pub estimate: String,
    /// Estimated arrival at the dealership, or empty.
    pub arrival: String,
    /// Estimate revisions, newest first.
    pub revisions: Vec<RevisionRow>,
    /// Timeline, oldest first.
    pub timeline: Vec<TimelineRow>,
    /// Payments.
    pub payments: Vec<PaymentRow>,
    /// Invoices.
    pub invoices: Vec<InvoiceRow>,
    /// Registration time.
    pub created: String,
    /// The delivery half (final payment, plate, carrier, collection).
    pub delivery: DeliveryView,
}

/// Builds the view of an expediente; `invoice_base` prefixes invoice ids in
/// download links; `staff` adds the technical details staff need.
pub fn order_view(x: &Expediente, lang: Language, invoice_base: &str, staff: bool) -> OrderView {
    let o = &x.order;
    let model = x
        .platform
        .as_ref()
        .map(|p| p.name.get(lang).to_owned())
        .unwrap_or_else(|| o.plan.platform_code.clone());
    let options = o
        .plan
        .option_codes
        .iter()
        .map(|code| {
            let name = x
                .options
                .iter()
                .find(|c| &c.code == code)
                .map(|c| c.name.get(lang).to_owned())
                .unwrap_or_else(|| code.clone());
            (code.clone(), name)
        })
        .collect();
    OrderView {
        id: o.id.to_string(),
        state: o.state,
        state_label: labels::order_state(o.state, lang),
        state_class: labels::order_state_class(o.state),
        cancelled: o.state == OrderState::Cancelled,
        steps: steps(o.state, lang),
        model,
        model_code: o.plan.platform_code.clone(),
        options,
        price: money(o.plan.vehicle_price, lang),
        senal: money(o.plan.senal, lang),
        maintenance: o.plan.maintenance_included,
        vin: o.factory.vin.clone().unwrap_or_default(),
        estimate: o
            .factory
            .estimated_completion_date
            .map(|d| day(d, lang))
            .unwrap_or_default(),
        arrival: o
            .factory
            .estimated_arrival_date
            .map(|d| day(d, lang))
            .unwrap_or_default(),
        revisions: x
            .estimates
            .iter()
            .rev()
            .map(|r| RevisionRow {
                at: when(&r.at),
                previous: r
                    .previous
                    .map(|d| day(d, lang))
                    .unwrap_or_else(|| "—".into()),
                new: day(r.new, lang),
                reason: r
                    .reason
                    .clone()
                    .or_else(|| r.reason_code.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        timeline: x
            .timeline
            .iter()
            .map(|e| TimelineRow {
                at: when(&e.at),
                title: labels::timeline_kind(&e.kind, lang),
                detail: Some(timeline_detail(&e.kind, &e.data, lang, staff))
                    .filter(|d| !d.is_empty())
                    .unwrap_or_else(|| delivery::timeline_detail(&e.kind, &e.data, lang)),
            })
            .collect(),
        payments: x
            .payments
            .iter()
            .map(|p| PaymentRow {
                kind: labels::payment_kind(p.kind, lang),
                amount: money(p.amount, lang),
                state: labels::payment_state(p.state, lang),
                declined: p.state == PaymentState::Declined,
                channel: labels::payment_channel(p.channel, lang),
                created: when(&p.created_at),
                reason: match p.state {
                    PaymentState::Declined => {
                        labels::decline(p.decline_code.as_deref(), lang).to_owned()
                    }
                    _ => String::new(),
                },
            })
            .collect(),
        invoices: x
            .invoices
            .iter()
            .map(|i| InvoiceRow {
                number: i.number.clone(),
                description: i.description.clone(),
                total: money(i.total, lang),
                issued: when(&i.issued_at),
                href: format!("{invoice_base}{}", i.id),
            })
            .collect(),
        created: when(&o.created_at),
        delivery: delivery_view(o, lang),
    }
}
