//! Notification texts in Spanish and English (NOTIF-6). One title and one
//! short body per event; the same text goes to email, push, SMS and inbox.

use caas_domain::account::Language;
use caas_domain::money::Money;
use caas_domain::notification::NotificationKind;
use chrono::NaiveDate;

/// The facts a notification talks about.
#[derive(Debug, Clone)]
pub enum Detail {
    /// The factory accepted the order.
    FactoryOrderPlaced {
        /// Model name.
        model: String,
        /// Factory estimate of completion.
        estimate: Option<NaiveDate>,
    },
    /// A factory milestone (event key) or a revised estimate.
    Milestone {
        /// Factory event key (`production_started`…).
        key: String,
        /// Current factory estimate.
        estimate: Option<NaiveDate>,
        /// Previous estimate (revisions).
        previous: Option<NaiveDate>,
        /// Reason of a revision or cancellation.
        reason: Option<String>,
        /// Where the vehicle is (dispatch/availability).
        place: Option<String>,
    },
    /// A payment was captured.
    PaymentConfirmed {
        /// Amount.
        amount: Money,
        /// What was paid (`señal`).
        what_es: &'static str,
        /// What was paid, English.
        what_en: &'static str,
    },
    /// Any other message, written in both languages by its use case.
    Text {
        /// Spanish title and body.
        es: (String, String),
        /// English title and body.
        en: (String, String),
    },
    /// One fact told by several matrix rows, each in its own words (a
    /// stock señal: "payment confirmed" and "vehicle available").
    PerKind(Vec<(NotificationKind, Detail)>),
}

impl Detail {
    /// What the notification of matrix row `kind` says: its own entry of a
    /// [`Detail::PerKind`] (else the first), any other detail as it is.
    pub fn for_kind(&self, kind: NotificationKind) -> &Detail {
        match self {
            Detail::PerKind(list) => list
                .iter()
                .find(|(k, _)| *k == kind)
                .or(list.first())
                .map_or(self, |(_, d)| d.for_kind(kind)),
            other => other,
        }
    }

    /// A message in both languages.
    pub fn text(es: (&str, String), en: (&str, String)) -> Self {
        Self::Text {
            es: (es.0.to_owned(), es.1),
            en: (en.0.to_owned(), en.1),
        }
    }
}

fn date(d: Option<NaiveDate>, lang: Language) -> String {
    match (d, lang) {
        (Some(d), Language::Es) => d.format("%d/%m/%Y").to_string(),
        (Some(d), Language::En) => d.format("%-d %B %Y").to_string(),
        (None, Language::Es) => "sin fecha".into(),
        (None, Language::En) => "no date yet".into(),
    }
}

/// Formats money for people: `1.500,00 EUR` / `EUR 1,500.00`.
pub fn money(m: Money, lang: Language) -> String {
    let units = m.minor / 100;
    let cents = m.minor % 100;
    let sep = if lang == Language::Es { '.' } else { ',' };
    let digits = units.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    match lang {
        Language::Es => format!("{grouped},{cents:02} {}", m.currency.code()),
        Language::En => format!("{} {grouped}.{cents:02}", m.currency.code()),
    }
}

/// Title of a factory milestone.
pub fn milestone_title(key: &str, lang: Language) -> String {
    let (es, en) = match key {
        "accepted" => (
            "La fábrica ha confirmado tu pedido",
            "The factory confirmed your order",
        ),
        "production_scheduled" => ("Fabricación programada", "Production scheduled"),
        "estimate_revised" => ("Nueva fecha estimada", "New estimated date"),
        "production_started" => (
            "Tu vehículo está en fabricación",
            "Your vehicle is being built",
        ),
        "assembly_completed" => ("Montaje terminado", "Assembly completed"),
        "quality_control_passed" => ("Control de calidad superado", "Quality control passed"),
        "quality_control_failed" => (
            "Tu vehículo vuelve a montaje",
            "Your vehicle is back in assembly",
        ),
        "vehicle_completed" => ("Tu vehículo está terminado", "Your vehicle is complete"),
        "vehicle_dispatched" => (
            "Tu vehículo va camino del concesionario",
            "Your vehicle is on its way to the dealership",
        ),
        "vehicle_available" => (
            "Tu vehículo ha llegado al concesionario",
            "Your vehicle has arrived at the dealership",
        ),
        "cancelled" => (
            "La fábrica ha cancelado el pedido",
            "The factory cancelled the order",
        ),
        _ => ("Novedades de tu pedido", "News about your order"),
    };
    match lang {
        Language::Es => es.into(),
        Language::En => en.into(),
    }
}

/// Title and body of a notification in `lang`.
pub fn render(detail: &Detail, lang: Language) -> (String, String) {
    let es = lang == Language::Es;
    match detail {
        Detail::PerKind(list) => match list.first() {
            Some((_, first)) => render(first, lang),
            None => (milestone_title("", lang), String::new()),
        },
        Detail::Text { es: e, en: n } => {
            if es {
                e.clone()
            } else {
                n.clone()
            }
        }
        Detail::FactoryOrderPlaced { model, estimate } => {
            let d = date(*estimate, lang);
            if es {
                (
                    "Pedido enviado a fábrica".into(),
                    format!(
                        "Hemos pedido tu {model} a la fábrica. Fecha estimada por la fábrica: {d}."
                    ),
                )
            } else {
                (
                    "Order placed with the factory".into(),
                    format!(
                        "We have ordered your {model} from the factory. Factory estimate: {d}."
                    ),
                )
            }
        }
        Detail::Milestone {
            key,
            estimate,
            previous,
            reason,
            place,
        } => {
            let title = milestone_title(key, lang);
            let d = date(*estimate, lang);
            let mut body = if key == "estimate_revised" {
                let p = date(*previous, lang);
                if es {
                    format!("La fábrica ha cambiado la fecha estimada del {p} al {d}.")
                } else {
                    format!("The factory changed its estimate from {p} to {d}.")
                }
            } else if es {
                format!("Fecha estimada por la fábrica: {d}.")
            } else {
                format!("Factory estimate: {d}.")
            };
            if let Some(r) = reason.as_deref().filter(|r| !r.is_empty()) {
                body.push_str(if es { " Motivo: " } else { " Reason: " });
                body.push_str(r);
            }
            if let Some(p) = place.as_deref().filter(|p| !p.is_empty()) {
                body.push(' ');
                body.push_str(p);
            }
            (title, body)
        }
        Detail::PaymentConfirmed {
            amount,
            what_es,
            what_en,
        } => {
            let m = money(*amount, lang);
            if es {
                (
                    format!("Pago recibido: {what_es}"),
                    format!("Hemos recibido {m}. Tienes la factura en tu expediente."),
                )
            } else {
                (
                    format!("Payment received: {what_en}"),
                    format!("We received {m}. The invoice is in your purchase file."),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use caas_domain::money::Currency;

    #[test]
    fn money_reads_naturally_in_each_language() {
        let m = Money::new(4_150_000, Currency::EUR).unwrap();
        assert_eq!(money(m, Language::Es), "41.500,00 EUR");
        assert_eq!(money(m, Language::En), "EUR 41,500.00");
        assert_eq!(
            money(Money::new(5, Currency::EUR).unwrap(), Language::Es),
            "0,05 EUR"
        );
    }

    #[test]
    fn a_revision_names_both_dates_and_the_reason() {
        let d = Detail::Milestone {
            key: "estimate_revised".into(),
            estimate: NaiveDate::from_ymd_opt(2026, 5, 4),
            previous: NaiveDate::from_ymd_opt(2026, 4, 20),
            reason: Some("Heat pump supplier delay".into()),
            place: None,
        };
        let (t, b) = render(&d, Language::Es);
        assert_eq!(t, "Nueva fecha estimada");
        assert!(
            b.contains("20/04/2026") && b.contains("04/05/2026") && b.contains("Heat pump"),
            "{b}"
        );
    }
}
