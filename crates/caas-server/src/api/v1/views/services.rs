//! The services of an expediente as the API shows them (EXP-2, the same
//! data as the web's services section): the services active now with
//! their end, every purchase with its state changes, and the service
//! invoices with their download path.

use super::money::MoneyOut;
use caas_app::purchases::history::OrderServices;
use caas_domain::purchase::Purchase;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A service active now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActiveServiceOut {
    /// `pur_…`.
    pub purchase_id: String,
    /// Option code.
    pub option_code: String,
    /// Option name (Spanish).
    pub name_es: String,
    /// Option name (English).
    pub name_en: String,
    /// End of the period; null for life.
    pub ends_at: Option<DateTime<Utc>>,
    /// True for a purchase until the end of the vehicle's life.
    pub lifetime: bool,
}

/// One state change of a purchase.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceStepOut {
    /// When.
    pub at: DateTime<Utc>,
    /// State entered (`ACTIVATING`, `ACTIVE`, `FAILED_NOT_CHARGED`…).
    pub state: String,
    /// What happened (`captured`, `voided`, `expiry_reminder_sent`, `hardware_fault`…).
    pub note: String,
}

/// One purchase in the service history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceHistoryOut {
    /// `pur_…`.
    pub purchase_id: String,
    /// Option code.
    pub option_code: String,
    /// Price.
    pub price: MoneyOut,
    /// Current state.
    pub state: String,
    /// True unless the money was captured (or is owed after activation).
    pub charged: bool,
    /// Start of the period.
    pub starts_at: DateTime<Utc>,
    /// End of the period; null for life.
    pub ends_at: Option<DateTime<Utc>>,
    /// Every state change, oldest first.
    pub steps: Vec<ServiceStepOut>,
    /// Download path of its invoice, once issued.
    pub invoice_path: Option<String>,
}

/// A service invoice.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceInvoiceOut {
    /// `inv_…`.
    pub id: String,
    /// Consecutive number (same series as the order's invoices).
    pub number: String,
    /// The purchase invoiced.
    pub purchase_id: String,
    /// Line.
    pub description: String,
    /// Total.
    pub total: MoneyOut,
    /// Issued.
    pub issued_at: DateTime<Utc>,
    /// Download path (`application/pdf`).
    pub path: String,
}

/// The services of an expediente.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ServicesOut {
    /// Services active now, soonest end first.
    pub active: Vec<ActiveServiceOut>,
    /// Every purchase, newest first.
    pub history: Vec<ServiceHistoryOut>,
    /// Service invoices, oldest first.
    pub invoices: Vec<ServiceInvoiceOut>,
}

fn path(p: &str) -> String {
    format!("/api/v1/purchases/{p}/invoice")
}

fn charged(p: &Purchase) -> bool {
    use caas_domain::purchase::ServicePaymentState as S;
    matches!(p.payment.state, S::Captured | S::Debt)
}

impl From<&OrderServices> for ServicesOut {
    fn from(s: &OrderServices) -> Self {
        Self {
            active: s
                .active()
                .into_iter()
                .map(|p| ActiveServiceOut {
                    purchase_id: p.id.to_string(),
                    option_code: p.item.option_code.clone(),
                    name_es: p.item.option_name.es.clone(),
                    name_en: p.item.option_name.en.clone(),
                    ends_at: p.period.ends_at,
                    lifetime: p.period.ends_at.is_none(),
                })
                .collect(),
            history: s
                .purchases
                .iter()
                .map(|p| ServiceHistoryOut {
                    purchase_id: p.id.to_string(),
                    option_code: p.item.option_code.clone(),
                    price: p.item.price.into(),
                    state: p.state.as_str().to_owned(),
                    charged: charged(p),
                    starts_at: p.period.starts_at,
                    ends_at: p.period.ends_at,
                    steps: p
                        .history
                        .iter()
                        .map(|h| ServiceStepOut {
                            at: h.at,
                            state: h.state.as_str().to_owned(),
                            note: h.note.clone(),
                        })
                        .collect(),
                    invoice_path: s.invoice_of(&p.id).map(|_| path(p.id.as_str())),
                })
                .collect(),
            invoices: s
                .invoices
                .iter()
                .map(|i| ServiceInvoiceOut {
                    id: i.id.to_string(),
                    number: i.number.clone(),
                    purchase_id: i.purchase_id.to_string(),
                    description: i.description.clone(),
                    total: i.total.into(),
                    issued_at: i.issued_at,
                    path: path(i.purchase_id.as_str()),
                })
                .collect(),
        }
    }
}
