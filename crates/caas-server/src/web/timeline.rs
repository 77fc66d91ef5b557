//! Pieces of the order view: dates for people, the tracker steps along the
//! happy path of SPEC §4.1 and the facts shown with each timeline entry.

use crate::web::labels::{self, t};
use crate::web::order_view::Step;
use caas_app::notify::texts::money;
use caas_domain::account::Language;
use caas_domain::money::Money;
use caas_domain::order::OrderState;
use caas_domain::timeline::TimelineKind;
use chrono::NaiveDate;
use serde_json::Value;

/// A calendar day for people.
pub fn day(d: NaiveDate, lang: Language) -> String {
    match lang {
        Language::Es => d.format("%d/%m/%Y").to_string(),
        Language::En => d.format("%-d %B %Y").to_string(),
    }
}

/// The tracker steps, up to the one `state` has reached.
pub fn steps(state: OrderState, lang: Language) -> Vec<Step> {
    let reached = state.progress_step();
    [
        t(lang, "Venta registrada", "Sale registered"),
        t(lang, "Señal pagada", "Deposit paid"),
        t(lang, "Pedido a fábrica", "Ordered"),
        t(lang, "En fabricación", "In production"),
        t(
            lang,
            "De camino al concesionario",
            "On the way to the dealership",
        ),
    ]
    .into_iter()
    .zip(1u8..)
    .map(|(label, i)| Step {
        label,
        done: i <= reached,
        current: i == reached,
    })
    .collect()
}

fn date_in(v: &Value, key: &str, lang: Language) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .map(|d| day(d, lang))
}

fn str_in<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The facts shown with a timeline entry (`staff` adds technical ones).
pub fn timeline_detail(kind: &TimelineKind, v: &Value, lang: Language, staff: bool) -> String {
    let mut parts: Vec<String> = Vec::new();
    let estimate = t(lang, "Fecha estimada por la fábrica", "Factory estimate");
    match kind {
        TimelineKind::SenalPaid => {
            if let Some(m) = v
                .get("amount")
                .and_then(|a| serde_json::from_value::<Money>(a.clone()).ok())
            {
                parts.push(money(m, lang));
            }
            if let Some(n) = str_in(v, "invoice") {
                parts.push(format!("{} {n}", t(lang, "Factura", "Invoice")));
            }
        }
        TimelineKind::PaymentDeclined => {
            parts.push(labels::decline(str_in(v, "decline_code"), lang).to_owned())
        }
        TimelineKind::FactoryOrderPlaced => {
            if let Some(d) = date_in(v, "estimated_completion_date", lang) {
                parts.push(format!("{estimate}: {d}"));
            }
        }
        TimelineKind::FactoryOrderRejected if staff => {
            let n = v
                .get("violations")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            parts.push(format!("{n} {}", t(lang, "motivo(s)", "reason(s)")));
        }
        TimelineKind::FactoryUnavailable if staff => {
            parts.extend(str_in(v, "error").map(str::to_owned))
        }
        TimelineKind::Factory(_) => {
            if let Some(d) = date_in(v, "estimated_completion_date", lang) {
                parts.push(format!("{estimate}: {d}"));
            }
            if let Some(vin) = str_in(v, "vin") {
                parts.push(format!("VIN {vin}"));
            }
            if let Some(d) = date_in(v, "estimated_arrival_date", lang) {
                parts.push(format!(
                    "{}: {d}",
                    t(lang, "Llegada estimada", "Estimated arrival")
                ));
            }
            if let Some(r) = str_in(v, "reason") {
                parts.push(format!("{}: {r}", t(lang, "Motivo", "Reason")));
            }
        }
        _ => {}
    }
    parts.join(" · ")
}
