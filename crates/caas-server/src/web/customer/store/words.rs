//! The store pages' words: dates ("3 ene 2027"), an option's state, an
//! offer's price and duration, the withdrawal terms and a purchase's state
//! in the viewer's language. Texts only; every fact comes from the use cases.

use crate::web::i18n::store::StoreMsg;
use crate::web::labels::{decline, pricing, t};
use caas_app::purchases::store::refusal_of;
use caas_domain::account::Language;
use caas_domain::catalogue::Offer;
use caas_domain::purchase::store::OptionStatus;
use caas_domain::purchase::withdrawal::WithdrawalTerms;
use caas_domain::purchase::{Purchase, PurchaseState, ServicePaymentState};
use chrono::{DateTime, Datelike, Utc};

/// A day in words: "3 ene 2027", "3 Jan 2027" (UTC).
pub fn date(at: &DateTime<Utc>, lang: Language) -> String {
    const ES: [&str; 12] = [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
    ];
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let i = at.month0() as usize % 12;
    let month = match lang {
        Language::Es => ES[i],
        Language::En => EN[i],
    };
    format!("{} {month} {}", at.day(), at.year())
}

/// A day and time: "3 ene 2027, 10:05 UTC".
pub fn date_time(at: &DateTime<Utc>, lang: Language) -> String {
    format!("{}, {} UTC", date(at, lang), at.format("%H:%M"))
}

/// An option's state for the car, with its badge class.
pub fn option_status(s: OptionStatus, lang: Language) -> (String, &'static str) {
    let m = StoreMsg::for_lang(lang);
    match s {
        OptionStatus::Available => (m.available.into(), "badge-muted"),
        OptionStatus::Activating => (m.activating.into(), "badge-info"),
        OptionStatus::Active { until: None } => (m.active_for_life.into(), "badge-ok"),
        OptionStatus::Active { until: Some(e) } => {
            (format!("{} {}", m.active_until, date(&e, lang)), "badge-ok")
        }
    }
}

/// An offer as the store lists it.
#[derive(Debug, Clone)]
pub struct OfferRow {
    /// `off_…`.
    pub id: String,
    /// Pricing model in words.
    pub model: &'static str,
    /// Duration in words ("30 días", "De por vida").
    pub duration: String,
    /// Price.
    pub price: String,
}

/// The row of `o`.
pub fn offer(o: &Offer, lang: Language) -> OfferRow {
    let (model, length) = pricing(o.pricing, lang);
    let duration = match o.pricing.length() {
        Some(_) => length,
        None => StoreMsg::for_lang(lang).for_life.to_owned(),
    };
    OfferRow {
        id: o.id.to_string(),
        model,
        duration,
        price: o.price.to_string(),
    }
}

/// The withdrawal terms in words; `deadline`: the last day if activated now.
pub fn withdrawal(
    terms: &WithdrawalTerms,
    deadline: Option<DateTime<Utc>>,
    lang: Language,
) -> String {
    let rule = match terms {
        WithdrawalTerms::FirstDaysAfterActivation { days } => match lang {
            Language::Es => format!("Puedes desistir durante los {days} días naturales siguientes a la activación"),
            Language::En => format!("You can withdraw during the {days} calendar days after activation"),
        },
        WithdrawalTerms::WhileActive => t(
            lang,
            "Puedes desistir en cualquier momento mientras esté activa (periodos de 14 días o menos)",
            "You can withdraw at any time while it is active (periods of 14 days or less)",
        )
        .to_owned(),
    };
    match deadline {
        Some(d) => match lang {
            Language::Es => format!("{rule}: si se activara ahora, hasta el {}.", date(&d, lang)),
            Language::En => format!("{rule}: if activated now, until {}.", date(&d, lang)),
        },
        None => format!("{rule}."),
    }
}

/// A purchase's state in words, with its badge class.
pub fn purchase_state(p: &Purchase, lang: Language) -> (String, &'static str) {
    let m = StoreMsg::for_lang(lang);
    let attempt = || {
        format!(
            "({} {} {} {})",
            m.s_attempt,
            p.attempts.max(1),
            m.s_of,
            p.max_attempts
        )
    };
    match p.state {
        PurchaseState::Scheduled => (m.s_scheduled.into(), "badge-muted"),
        PurchaseState::Requested => (m.s_requested.into(), "badge-info"),
        PurchaseState::Authorizing => (m.s_authorizing.into(), "badge-info"),
        PurchaseState::Activating => (format!("{} {}", m.s_activating, attempt()), "badge-info"),
        PurchaseState::RetryWait => (format!("{} {}", m.s_retry_wait, attempt()), "badge-warn"),
        PurchaseState::Active => match p.period.ends_at {
            Some(e) => (format!("{} {}", m.active_until, date(&e, lang)), "badge-ok"),
            None => (m.active_for_life.into(), "badge-ok"),
        },
        PurchaseState::FailedNotCharged => (m.s_failed.into(), "badge-err"),
        PurchaseState::PaymentDeclined => (
            format!(
                "{}: {}",
                m.s_declined,
                decline(p.payment.decline_code.as_deref(), lang)
            ),
            "badge-err",
        ),
        PurchaseState::Rejected => {
            let why = refusal_of(p).map(|r| r.text(lang).to_owned());
            let text = match why {
                Some(w) => format!("{}: {w}", m.s_rejected),
                None => m.s_rejected.to_owned(),
            };
            (text, "badge-err")
        }
        PurchaseState::Deactivating => (m.s_deactivating.into(), "badge-muted"),
        PurchaseState::Expired => (m.s_expired.into(), "badge-muted"),
        PurchaseState::Withdrawn => (m.s_withdrawn.into(), "badge-muted"),
        PurchaseState::Cancelled => (m.s_cancelled.into(), "badge-muted"),
    }
}

/// A state's bare name (the history's lines).
pub fn state_name(s: PurchaseState, lang: Language) -> &'static str {
    let m = StoreMsg::for_lang(lang);
    match s {
        PurchaseState::Scheduled => m.s_scheduled,
        PurchaseState::Requested => m.s_requested,
        PurchaseState::Authorizing => m.s_authorizing,
        PurchaseState::Activating => m.s_activating,
        PurchaseState::RetryWait => m.s_retry_wait,
        PurchaseState::Active => m.s_active,
        PurchaseState::FailedNotCharged => m.s_failed,
        PurchaseState::PaymentDeclined => m.s_declined,
        PurchaseState::Rejected => m.s_rejected,
        PurchaseState::Deactivating => m.s_deactivating,
        PurchaseState::Expired => m.s_expired,
        PurchaseState::Withdrawn => m.s_withdrawn,
        PurchaseState::Cancelled => m.s_cancelled,
    }
}

/// Where a purchase's money stands, in words.
pub fn payment_state(s: ServicePaymentState, lang: Language) -> &'static str {
    let m = StoreMsg::for_lang(lang);
    match s {
        ServicePaymentState::Created => m.p_created,
        ServicePaymentState::Authorized => m.p_authorized,
        ServicePaymentState::Declined => m.p_declined,
        ServicePaymentState::Captured => m.p_captured,
        ServicePaymentState::Voided => m.p_voided,
        ServicePaymentState::Debt => m.p_debt,
    }
}

/// A period: "3 ene 2027 – 2 feb 2027", or from a day for life.
pub fn period(starts: &DateTime<Utc>, ends: Option<&DateTime<Utc>>, lang: Language) -> String {
    match ends {
        Some(e) => format!("{} – {}", date(starts, lang), date(e, lang)),
        None => format!(
            "{} – {}",
            date(starts, lang),
            StoreMsg::for_lang(lang).for_life
        ),
    }
}

#[cfg(test)]
mod tests;
