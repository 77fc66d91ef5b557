//! The señal payment form shared by the intranet order page (at the
//! dealership) and the expediente (online): a fresh attempt key per render,
//! so a double submit charges once, and the outcome in the payer's words.

use crate::web::forms::FormData;
use crate::web::labels;
use caas_app::orders::expediente::Expediente;
use caas_app::payments::senal::SenalIn;
use caas_app::AppError;
use caas_domain::account::Language;
use caas_domain::payment::{Payment, PaymentState};

/// The payment gateway contract's test card tokens (offered in development).
pub const TEST_TOKENS: [&str; 6] = [
    "tok_test_ok",
    "tok_test_decline_insufficient_funds",
    "tok_test_decline_expired",
    "tok_test_delayed",
    "tok_test_settlement_fails",
    "tok_test_timeout_once",
];

/// What the señal form shows.
#[derive(Debug, Clone)]
pub struct SenalForm {
    /// Where it posts.
    pub action: String,
    /// Key of this attempt (hidden field).
    pub attempt_key: String,
    /// Amount to pay.
    pub amount: String,
    /// Test tokens offered (development only).
    pub tokens: Vec<&'static str>,
    /// Token entered before an error.
    pub method: String,
    /// Error or decline reason.
    pub error: String,
    /// Heading, button and amount labels; empty: the señal's.
    pub labels: FormLabels,
}

/// The words of a payment form other than the señal's (the final payment).
#[derive(Debug, Clone, Default)]
pub struct FormLabels {
    /// Heading.
    pub title: &'static str,
    /// Label of the amount.
    pub amount: &'static str,
    /// Submit button.
    pub submit: &'static str,
}

impl SenalForm {
    /// A blank form with a new attempt key.
    pub fn new(action: String, amount: String, dev: bool) -> Self {
        Self {
            action,
            attempt_key: caas_app::secrets::random_token(18),
            amount,
            tokens: if dev {
                TEST_TOKENS.to_vec()
            } else {
                Vec::new()
            },
            method: String::new(),
            error: String::new(),
            labels: FormLabels::default(),
        }
    }

    /// The same form for another payment (heading, amount and button labels).
    pub fn labelled(mut self, labels: FormLabels) -> Self {
        self.labels = labels;
        self
    }
}

/// The request from a submitted form: the typed token wins over the list.
pub fn senal_in(x: &Expediente, f: &FormData) -> SenalIn {
    let typed = f.get("payment_method");
    SenalIn {
        order_id: x.order.id.clone(),
        payment_method: if typed.trim().is_empty() {
            f.get("test_token")
        } else {
            typed
        },
        attempt_key: f.get("attempt_key"),
    }
}

/// How a señal attempt ended, for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenalOutcome {
    /// Captured: redirect with this notice key.
    Done(&'static str),
    /// Show the form again with this error (HTTP status).
    Again(u16, String),
}

/// Maps the result of `pay_senal` (other errors are returned as they are).
pub fn outcome(r: Result<Payment, AppError>, lang: Language) -> Result<SenalOutcome, AppError> {
    match r {
        Ok(p) if p.state.is_paid() => Ok(SenalOutcome::Done("senal_paid")),
        Ok(p) if p.state == PaymentState::Created => Ok(SenalOutcome::Done("senal_processing")),
        Ok(p) => Ok(SenalOutcome::Again(
            200,
            labels::decline(p.decline_code.as_deref(), lang).to_owned(),
        )),
        Err(AppError::Invalid { message, .. }) => Ok(SenalOutcome::Again(422, message)),
        Err(AppError::InvalidFields(list)) => Ok(SenalOutcome::Again(
            422,
            list.into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(AppError::Conflict(refusal)) => {
            Ok(SenalOutcome::Again(409, refusal.text(lang).to_owned()))
        }
        Err(e) => Err(e),
    }
}

/// The notice shown after a redirect, from its key.
pub fn notice(key: &str, lang: Language) -> Option<&'static str> {
    let es = lang == Language::Es;
    Some(match key {
        "senal_paid" if es => {
            "Señal pagada. La factura está en el expediente y el pedido va a fábrica."
        }
        "senal_paid" => {
            "Deposit paid. The invoice is in the file and the order goes to the factory."
        }
        "senal_processing" if es => {
            "El pago se está procesando. Te confirmaremos el resultado en cuanto lo sepamos."
        }
        "senal_processing" => {
            "The payment is being processed. We will confirm the result as soon as we know it."
        }
        "resubmitted" if es => "Pedido reenviado a fábrica.",
        "resubmitted" => "Order resubmitted to the factory.",
        "cancelled" if es => "Venta cancelada.",
        "cancelled" => "Sale cancelled.",
        "registered" if es => "Venta registrada. Hemos enviado al cliente el enlace de acceso.",
        "registered" => "Sale registered. The customer has been emailed the access link.",
        _ => return None,
    })
}
