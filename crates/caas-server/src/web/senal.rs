//! The señal payment form shared by the intranet order page (at the
//! dealership), the expediente (online) and the final payment: a fresh
//! attempt key per render, so a double submit charges once, the shared card
//! form ([`crate::web::card_form`]: saved cards or the gateway's hosted
//! fields) and the outcome in the payer's words.

use crate::web::card_form::CardForm;
use crate::web::forms::FormData;
use crate::web::labels;
use caas_app::orders::expediente::Expediente;
use caas_app::payments::senal::SenalIn;
use caas_app::AppError;
use caas_domain::account::Language;
use caas_domain::payment::{Payment, PaymentState};

/// What the señal form shows.
#[derive(Debug, Clone)]
pub struct SenalForm {
    /// Where it posts.
    pub action: String,
    /// Key of this attempt (hidden field).
    pub attempt_key: String,
    /// Amount to pay.
    pub amount: String,
    /// The card: saved cards or the gateway's hosted fields.
    pub card: CardForm,
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
    pub fn new(action: String, amount: String, card: CardForm) -> Self {
        Self {
            action,
            attempt_key: caas_app::secrets::random_token(18),
            amount,
            card,
            error: String::new(),
            labels: FormLabels::default(),
        }
    }

    /// The form again after an error, keeping the card chosen (`method`).
    pub fn again(mut self, method: &str, error: String) -> Self {
        self.card = self.card.keeping(method);
        self.error = error;
        self
    }

    /// The same form for another payment (heading, amount and button labels).
    pub fn labelled(mut self, labels: FormLabels) -> Self {
        self.labels = labels;
        self
    }
}

/// The request from a submitted form with the card it chose (see
/// [`crate::web::card_form::chosen`]); the caller saves a new card first
/// when asked ([`caas_app::payments::cards::method_for_payment`]).
pub fn senal_in(x: &Expediente, method: String, f: &FormData) -> SenalIn {
    SenalIn {
        order_id: x.order.id.clone(),
        payment_method: method,
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
