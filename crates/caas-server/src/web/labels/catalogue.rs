//! Catalogue words for people: option categories, pricing models and
//! period lengths ("30 días", "1 month").

use super::t;
use caas_domain::account::Language;
use caas_domain::catalogue::{OptionCategory, PeriodLength, PeriodUnit, PricingModel};

/// An option category.
pub fn category(c: OptionCategory, lang: Language) -> &'static str {
    match c {
        OptionCategory::Performance => t(lang, "Prestaciones", "Performance"),
        OptionCategory::Assistance => t(lang, "Asistencia", "Assistance"),
        OptionCategory::Terrain => t(lang, "Terreno", "Terrain"),
        OptionCategory::Comfort => t(lang, "Confort", "Comfort"),
        OptionCategory::Entertainment => t(lang, "Entretenimiento", "Entertainment"),
        OptionCategory::Safety => t(lang, "Seguridad", "Safety"),
    }
}

/// Pricing model and duration of an offer.
pub fn pricing(p: PricingModel, lang: Language) -> (&'static str, String) {
    match p {
        PricingModel::TimeLimited { length } => {
            (t(lang, "Por tiempo", "Time-limited"), period(length, lang))
        }
        PricingModel::Lifetime => (t(lang, "De por vida", "Lifetime"), "—".into()),
        PricingModel::Subscription => (
            t(lang, "Suscripción", "Subscription"),
            t(lang, "mensual", "monthly").into(),
        ),
        PricingModel::Planned { length } => {
            (t(lang, "Programada", "Planned"), period(length, lang))
        }
        PricingModel::Recurring { length } => {
            (t(lang, "Recurrente", "Recurring"), period(length, lang))
        }
    }
}

/// A period length in words: "30 días", "1 month".
pub fn period(length: PeriodLength, lang: Language) -> String {
    let n = length.count;
    let one = n == 1;
    let unit = match (length.unit, lang, one) {
        (PeriodUnit::Day, Language::Es, true) => "día",
        (PeriodUnit::Day, Language::Es, false) => "días",
        (PeriodUnit::Week, Language::Es, true) => "semana",
        (PeriodUnit::Week, Language::Es, false) => "semanas",
        (PeriodUnit::Month, Language::Es, true) => "mes",
        (PeriodUnit::Month, Language::Es, false) => "meses",
        (PeriodUnit::Year, Language::Es, true) => "año",
        (PeriodUnit::Year, Language::Es, false) => "años",
        (PeriodUnit::Day, Language::En, true) => "day",
        (PeriodUnit::Day, Language::En, false) => "days",
        (PeriodUnit::Week, Language::En, true) => "week",
        (PeriodUnit::Week, Language::En, false) => "weeks",
        (PeriodUnit::Month, Language::En, true) => "month",
        (PeriodUnit::Month, Language::En, false) => "months",
        (PeriodUnit::Year, Language::En, true) => "year",
        (PeriodUnit::Year, Language::En, false) => "years",
    };
    format!("{n} {unit}")
}
