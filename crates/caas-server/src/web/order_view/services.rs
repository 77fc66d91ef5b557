//! The services section of the expediente and the vehicle page (EXP-2):
//! the services active now with their end ("de por vida / for life"), every
//! purchase with its state changes in words (a failed activation reads "not
//! activated, not charged"), each linking to `/purchases/{id}` and its
//! invoice, and the service invoices.

use crate::web::i18n::services::ServicesMsg;
use crate::web::i18n::Msg;
use crate::web::render::when;
use crate::web::timeline::day;
use caas_app::purchases::history::OrderServices;
use caas_domain::account::Language;
use caas_domain::purchase::reminder::REMINDED;
use caas_domain::purchase::{Purchase, PurchaseState, ServicePaymentState};

/// One active service.
#[derive(Debug, Clone)]
pub struct ActiveRow {
    /// `pur_…`.
    pub id: String,
    /// Option name.
    pub name: String,
    /// "hasta el 03/04/2027" or "de por vida".
    pub until: String,
}

/// One state change of a purchase.
#[derive(Debug, Clone)]
pub struct StepRow {
    /// When.
    pub at: String,
    /// What happened, in words.
    pub text: &'static str,
}

/// One purchase in the history.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// `pur_…`.
    pub id: String,
    /// Option name.
    pub name: String,
    /// Period in words.
    pub period: String,
    /// Price.
    pub price: String,
    /// Where it stands, in words.
    pub outcome: &'static str,
    /// Badge class.
    pub class: &'static str,
    /// State changes, oldest first.
    pub steps: Vec<StepRow>,
    /// Its invoice's download path, or empty.
    pub invoice_url: String,
}

/// One service invoice.
#[derive(Debug, Clone)]
pub struct InvoiceRow {
    /// Number.
    pub number: String,
    /// Line.
    pub description: String,
    /// Total.
    pub total: String,
    /// Issue time.
    pub issued: String,
    /// Download path.
    pub url: String,
}

/// What the section shows.
#[derive(Debug, Clone, Default)]
pub struct ServicesSection {
    /// Services active now.
    pub active: Vec<ActiveRow>,
    /// Every purchase, newest first.
    pub history: Vec<HistoryRow>,
    /// Service invoices, oldest first.
    pub invoices: Vec<InvoiceRow>,
}

fn step_text(state: PurchaseState, note: &str, m: &ServicesMsg) -> &'static str {
    match (state, note) {
        (PurchaseState::Active, "captured") => m.st_captured,
        (PurchaseState::Active, "capture_failed") => m.st_debt,
        (PurchaseState::Active, n) if n == REMINDED => m.st_reminded,
        (PurchaseState::FailedNotCharged, "voided") => m.st_voided,
        (s, _) => state_text(s, m),
    }
}

fn state_text(s: PurchaseState, m: &ServicesMsg) -> &'static str {
    match s {
        PurchaseState::Scheduled => m.st_scheduled,
        PurchaseState::Requested => m.st_requested,
        PurchaseState::Rejected => m.st_rejected,
        PurchaseState::Authorizing => m.st_authorizing,
        PurchaseState::PaymentDeclined => m.st_declined,
        PurchaseState::Activating => m.st_activating,
        PurchaseState::RetryWait => m.st_retry,
        PurchaseState::Active => m.st_active,
        PurchaseState::FailedNotCharged => m.st_failed,
        PurchaseState::Deactivating => m.st_deactivating,
        PurchaseState::Expired => m.st_expired,
        PurchaseState::Withdrawn => m.st_withdrawn,
        PurchaseState::Cancelled => m.st_cancelled,
    }
}

fn outcome(p: &Purchase, m: &ServicesMsg) -> (&'static str, &'static str) {
    match p.state {
        PurchaseState::Active if p.payment.state == ServicePaymentState::Debt => {
            (m.st_debt, "badge-warn")
        }
        PurchaseState::Active => (m.st_active, "badge-ok"),
        PurchaseState::FailedNotCharged
        | PurchaseState::PaymentDeclined
        | PurchaseState::Rejected => (state_text(p.state, m), "badge-err"),
        s if s.is_final() || s == PurchaseState::Deactivating => (state_text(s, m), "badge-muted"),
        s => (state_text(s, m), "badge-info"),
    }
}

fn until(p: &Purchase, lang: Language, m: &ServicesMsg) -> String {
    match p.period.ends_at {
        Some(end) => format!("{} {}", m.until, day(end.date_naive(), lang)),
        None => m.for_life.to_owned(),
    }
}

/// The section for `s` in `lang`.
pub fn services_section(s: &OrderServices, lang: Language) -> ServicesSection {
    let m = Msg::for_lang(lang).svc;
    let invoice_url = |id: &str| format!("/purchases/{id}/invoice");
    ServicesSection {
        active: s
            .active()
            .into_iter()
            .map(|p| ActiveRow {
                id: p.id.to_string(),
                name: p.item.option_name.get(lang).to_owned(),
                until: until(p, lang, m),
            })
            .collect(),
        history: s
            .purchases
            .iter()
            .map(|p| {
                let (outcome, class) = outcome(p, m);
                HistoryRow {
                    id: p.id.to_string(),
                    name: p.item.option_name.get(lang).to_owned(),
                    period: format!(
                        "{} – {}",
                        day(p.period.starts_at.date_naive(), lang),
                        match p.period.ends_at {
                            Some(e) => day(e.date_naive(), lang),
                            None => m.for_life.to_owned(),
                        }
                    ),
                    price: p.item.price.to_string(),
                    outcome,
                    class,
                    steps: p
                        .history
                        .iter()
                        .map(|h| StepRow {
                            at: when(&h.at),
                            text: step_text(h.state, &h.note, m),
                        })
                        .collect(),
                    invoice_url: s
                        .invoice_of(&p.id)
                        .map(|_| invoice_url(p.id.as_str()))
                        .unwrap_or_default(),
                }
            })
            .collect(),
        invoices: s
            .invoices
            .iter()
            .map(|i| InvoiceRow {
                number: i.number.clone(),
                description: i.description.clone(),
                total: i.total.to_string(),
                issued: day(i.issued_at.date_naive(), lang),
                url: invoice_url(i.purchase_id.as_str()),
            })
            .collect(),
    }
}
