//! Payment labels: states, kinds, channels and card decline reasons, in
//! Spanish and English.

use super::t;
use caas_domain::account::Language;
use caas_domain::payment::{PaymentChannel, PaymentKind, PaymentState};

/// Why a card was declined, in friendly words.
pub fn decline(code: Option<&str>, lang: Language) -> &'static str {
    match code.unwrap_or("") {
        "insufficient_funds" => t(
            lang,
            "La tarjeta no tiene saldo suficiente.",
            "The card has insufficient funds.",
        ),
        "expired_card" => t(lang, "La tarjeta ha caducado.", "The card has expired."),
        "do_not_honor" => t(
            lang,
            "El banco ha rechazado el pago. Contacta con tu banco o usa otra tarjeta.",
            "The bank refused the payment. Contact your bank or use another card.",
        ),
        "lost_card" | "stolen_card" => t(
            lang,
            "El banco ha bloqueado esta tarjeta. Usa otra tarjeta.",
            "The bank has blocked this card. Use another card.",
        ),
        "fraudulent" => t(
            lang,
            "El pago se ha rechazado por seguridad. Usa otra tarjeta.",
            "The payment was refused for security reasons. Use another card.",
        ),
        _ => t(
            lang,
            "La tarjeta ha sido rechazada. Prueba con otra tarjeta.",
            "The card was declined. Try another card.",
        ),
    }
}

/// A payment state for people.
pub fn payment_state(s: PaymentState, lang: Language) -> &'static str {
    match s {
        PaymentState::Created => t(lang, "En proceso", "Processing"),
        PaymentState::Captured => t(lang, "Cobrado", "Paid"),
        PaymentState::Settled => t(lang, "Liquidado", "Settled"),
        PaymentState::Declined => t(lang, "Rechazado", "Declined"),
        PaymentState::SettlementFailed => t(lang, "Liquidación fallida", "Settlement failed"),
    }
}

/// A payment kind for people.
pub fn payment_kind(k: PaymentKind, lang: Language) -> &'static str {
    match k {
        PaymentKind::Senal => t(lang, "Señal", "Reservation deposit"),
        PaymentKind::Final => t(lang, "Pago final", "Final payment"),
    }
}

/// Where a payment was made.
pub fn payment_channel(c: PaymentChannel, lang: Language) -> &'static str {
    match c {
        PaymentChannel::Dealership => t(lang, "En el concesionario", "At the dealership"),
        PaymentChannel::Online => t(lang, "En línea", "Online"),
    }
}
