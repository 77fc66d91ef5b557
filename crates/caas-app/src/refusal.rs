//! [`Refusal`]: why a use case said no to a request it understood (a state
//! conflict), with a stable code for API clients and the text in each
//! language the pages speak, so a Spanish page never shows an English reason.

use caas_domain::account::Language;
use std::borrow::Cow;
use std::fmt;

/// A refused request: stable code plus the reason in Spanish and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Stable machine code (`vehicle_sold_meanwhile`…; `conflict` when the
    /// reason has no code of its own yet).
    pub code: &'static str,
    /// The reason in English (also the log and API `detail` text).
    pub en: Cow<'static, str>,
    /// The reason in Spanish.
    pub es: Cow<'static, str>,
}

impl Refusal {
    /// A refusal with its code and both texts.
    pub fn new(
        code: &'static str,
        es: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            code,
            es: es.into(),
            en: en.into(),
        }
    }

    /// The reason in `lang`.
    pub fn text(&self, lang: Language) -> &str {
        match lang {
            Language::Es => &self.es,
            Language::En => &self.en,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// A reason known only in English (from the store or a partner): code
/// `conflict`, the same text in both languages.
impl From<String> for Refusal {
    fn from(en: String) -> Self {
        Self {
            code: "conflict",
            es: Cow::Owned(en.clone()),
            en: Cow::Owned(en),
        }
    }
}

impl From<&'static str> for Refusal {
    fn from(en: &'static str) -> Self {
        Self {
            code: "conflict",
            es: Cow::Borrowed(en),
            en: Cow::Borrowed(en),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_speaks_the_viewers_language() {
        let r = Refusal::new(
            "vehicle_sold_meanwhile",
            "Este vehículo se ha vendido mientras tanto.",
            "This vehicle was sold meanwhile.",
        );
        assert_eq!(
            r.text(Language::Es),
            "Este vehículo se ha vendido mientras tanto."
        );
        assert_eq!(r.text(Language::En), "This vehicle was sold meanwhile.");
        assert_eq!(r.to_string(), "This vehicle was sold meanwhile.");
    }
}
