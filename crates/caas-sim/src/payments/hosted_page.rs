//! The hosted card fields page itself: the texts in Spanish and English and
//! the HTML (`hosted_page.html`) filled with the locale, the publishable key,
//! the parent origin every `postMessage` is addressed to, and the CSP nonce.

use serde_json::json;

/// The page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    /// Spanish (the default).
    Es,
    /// English.
    En,
}

impl Locale {
    /// `es` (also when absent) or `en`; `None` for anything else.
    pub fn parse(text: Option<&str>) -> Option<Self> {
        match text {
            None | Some("es") => Some(Self::Es),
            Some("en") => Some(Self::En),
            Some(_) => None,
        }
    }
}

/// Every text the page shows.
struct Texts {
    lang: &'static str,
    title: &'static str,
    number: &'static str,
    expiry: &'static str,
    expiry_placeholder: &'static str,
    cvc: &'static str,
    submit: &'static str,
    note: &'static str,
    card_number_invalid: &'static str,
    expiry_invalid: &'static str,
    cvc_invalid: &'static str,
    failed: &'static str,
}

fn texts(locale: Locale) -> Texts {
    match locale {
        Locale::Es => Texts {
            lang: "es",
            title: "Datos de la tarjeta",
            number: "Número de tarjeta",
            expiry: "Caducidad (MM/AA)",
            expiry_placeholder: "MM/AA",
            cvc: "Código de seguridad (CVC)",
            submit: "Usar esta tarjeta",
            note: "Los datos de la tarjeta van directamente a la pasarela de pago.",
            card_number_invalid: "El número de tarjeta no es válido.",
            expiry_invalid: "La fecha de caducidad no es válida o ya ha pasado.",
            cvc_invalid: "El CVC debe tener 3 o 4 dígitos.",
            failed: "No se ha podido procesar la tarjeta. Inténtalo de nuevo.",
        },
        Locale::En => Texts {
            lang: "en",
            title: "Card details",
            number: "Card number",
            expiry: "Expiry date (MM/YY)",
            expiry_placeholder: "MM/YY",
            cvc: "Security code (CVC)",
            submit: "Use this card",
            note: "Card details go straight to the payment gateway.",
            card_number_invalid: "The card number is not valid.",
            expiry_invalid: "The expiry date is not valid or has passed.",
            cvc_invalid: "The CVC must have 3 or 4 digits.",
            failed: "The card could not be processed. Please try again.",
        },
    }
}

/// The page template; `__NAME__` markers are filled by [`render`].
const TEMPLATE: &str = include_str!("hosted_page.html");

/// Escapes text for an HTML element or attribute.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The page for `locale`: `publishable_key` authorises its token request,
/// `parent_origin` (already validated) is the only `postMessage` target and
/// `nonce` marks its inline script and style for the CSP.
pub fn render(locale: Locale, publishable_key: &str, parent_origin: &str, nonce: &str) -> String {
    let t = texts(locale);
    let config = json!({
        "publishableKey": publishable_key,
        "parentOrigin": parent_origin,
        "messages": {
            "card_number_invalid": t.card_number_invalid,
            "expiry_invalid": t.expiry_invalid,
            "cvc_invalid": t.cvc_invalid,
            "failed": t.failed,
        },
    });
    // Inside <script>, "<" could end the element: JSON allows \u003c instead.
    let config = config
        .to_string()
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    [
        ("__LANG__", t.lang),
        ("__TITLE__", t.title),
        ("__NUMBER__", t.number),
        ("__EXPIRY__", t.expiry),
        ("__EXPIRY_PLACEHOLDER__", t.expiry_placeholder),
        ("__CVC__", t.cvc),
        ("__SUBMIT__", t.submit),
        ("__NOTE__", t.note),
        ("__NONCE__", nonce),
    ]
    .into_iter()
    .fold(TEMPLATE.to_owned(), |page, (marker, text)| {
        page.replace(marker, &html(text))
    })
    .replace("__CONFIG__", &config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_cannot_close_the_script_element() {
        let page = render(Locale::En, "pk_</script>", "https://a.example", "n");
        assert!(!page.contains("pk_</script>"));
        assert!(page.contains("pk_\\u003c/script>"));
        assert!(!page.contains("__"), "every marker is filled");
    }
}
