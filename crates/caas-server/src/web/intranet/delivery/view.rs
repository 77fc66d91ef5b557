//! The view-model of the "Delivery" section of the intranet order page:
//! vehicle identity, reception, final payment, registration, home delivery
//! with its attempts and handover, and which staff forms the state allows.

use crate::web::forms::FormData;
use crate::web::i18n::Msg;
use crate::web::order_view::day;
use crate::web::render::{when, FormErrors};
use crate::web::senal::SenalForm;
use caas_app::notify::texts::money;
use caas_app::orders::expediente::Expediente;
use caas_domain::account::{Account, Language};
use caas_domain::order::OrderState;
use caas_domain::order_delivery::{AttemptOutcome, DeliveryAttempt, Reception};
use caas_domain::partners_delivery::TimeWindow;

/// What a re-rendered order page carries for its delivery section.
#[derive(Debug, Default)]
pub struct DeliveryExtras {
    /// Readable error of the last delivery action.
    pub error: String,
    /// Field errors of the last delivery form.
    pub errors: FormErrors,
    /// Values entered in the last delivery form.
    pub entered: FormData,
}

/// One home-delivery attempt.
#[derive(Debug, Clone)]
pub struct AttemptRow {
    /// 1-based number.
    pub number: u32,
    /// Carrier.
    pub carrier: String,
    /// Agreed window.
    pub window: String,
    /// Departure.
    pub embarked: String,
    /// Arrival at the address.
    pub arrived: String,
    /// Carrier outcome at the door.
    pub at_door: String,
    /// Phone contact outcome.
    pub phone: String,
    /// Final outcome, for people.
    pub outcome: &'static str,
    /// Outcome code (styling, tests).
    pub outcome_code: &'static str,
}

/// The handover record.
#[derive(Debug, Clone)]
pub struct HandoverRow {
    /// When.
    pub at: String,
    /// Home or dealership, for people.
    pub place: &'static str,
    /// Who received it.
    pub receiver: String,
    /// Document type and last four characters.
    pub document: String,
    /// Carrier proof or staff id.
    pub proof: String,
}

/// The delivery section of one order.
#[derive(Debug, Clone, Default)]
pub struct DeliveryView {
    /// Whether the section is shown at all (the order reached the dealership leg).
    pub shown: bool,
    /// Readable error of the last action.
    pub error: String,
    /// Field errors of the last form.
    pub errors: FormErrors,
    /// VIN, plate and registration facts (label, value).
    pub facts: Vec<(&'static str, String)>,
    /// "Received … by …", once received.
    pub received: String,
    /// Reception form (IN_TRANSIT_TO_DEALERSHIP).
    pub can_receive: bool,
    /// Final amount, when terms exist.
    pub final_amount: String,
    /// Final payment deadline.
    pub final_deadline: String,
    /// Settlement time.
    pub final_settled: String,
    /// The card-token form (AWAITING_FINAL_PAYMENT).
    pub final_form: Option<SenalForm>,
    /// The cannot-pay form (AWAITING_FINAL_PAYMENT).
    pub can_record_cannot_pay: bool,
    /// Registration issue: the registry's error is shown.
    pub registration_issue: bool,
    /// The fix form (REGISTRATION_ISSUE).
    pub can_fix: bool,
    /// Registry refusal, readable.
    pub registry_error: String,
    /// Registry code of the refusal.
    pub registry_code: String,
    /// Registration attempts and submissions.
    pub registration_counts: String,
    /// Current birth date, name and document number (hints of the fix form).
    pub current_birth: String,
    /// Current name.
    pub current_name: String,
    /// Current document.
    pub current_document: String,
    /// Home delivery facts (label, value), when any.
    pub home: Vec<(&'static str, String)>,
    /// Attempts.
    pub attempts: Vec<AttemptRow>,
    /// Handover.
    pub handover: Option<HandoverRow>,
    /// "Returned … by …", once received back.
    pub returned: String,
    /// Return reception form (RETURNING_TO_DEALERSHIP).
    pub can_receive_return: bool,
    /// Pickup and redelivery forms (HELD_AT_DEALERSHIP).
    pub held: bool,
    /// Values typed in the last form, shown again after an error.
    pub entered: FormData,
}

fn dash(s: Option<String>) -> String {
    s.filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "—".into())
}

fn window(w: &Option<TimeWindow>) -> String {
    w.as_ref()
        .map(|w| format!("{} – {}", when(&w.start), w.end.format("%H:%M UTC")))
        .unwrap_or_else(|| "—".into())
}

fn reception(r: &Reception, m: &Msg) -> String {
    let mut s = format!("{} {} {}", when(&r.at), m.d.by, r.by_name);
    if let Some(n) = &r.notes {
        s.push_str(&format!(" — {n}"));
    }
    s
}

fn attempt(a: &DeliveryAttempt, m: &Msg) -> AttemptRow {
    let (outcome, outcome_code) = match a.outcome {
        AttemptOutcome::Pending => (m.d.outcome_pending, "pending"),
        AttemptOutcome::Delivered => (m.d.outcome_delivered, "delivered"),
        AttemptOutcome::Rescheduled => (m.d.outcome_rescheduled, "rescheduled"),
        AttemptOutcome::Returned => (m.d.outcome_returned, "returned"),
    };
    AttemptRow {
        number: a.number,
        carrier: a.carrier.clone(),
        window: window(&a.window),
        embarked: dash(a.embarked_at.as_ref().map(when)),
        arrived: dash(a.arrived_at.as_ref().map(when)),
        at_door: dash(a.handover_outcome.as_ref().map(|s| s.replace('_', " "))),
        phone: dash(a.phone_outcome.as_ref().map(|s| s.replace('_', " "))),
        outcome,
        outcome_code,
    }
}

fn in_delivery_leg(s: OrderState) -> bool {
    use OrderState::*;
    matches!(
        s,
        InTransitToDealership
            | AwaitingFinalPayment
            | Paid
            | RegistrationIssue
            | Registered
            | OutForDelivery
            | ReturningToDealership
            | HeldAtDealership
            | Delivered
            | Operational
            | ReservationLost
    )
}

/// Builds the section for `staff`; the final payment takes a new card in
/// the gateway's fields from `cards`.
pub fn delivery_view(
    x: &Expediente,
    staff: &Account,
    lang: Language,
    cards: &crate::web::card_form::CardFields,
    extras: DeliveryExtras,
) -> DeliveryView {
    let m = Msg::for_lang(lang);
    let o = &x.order;
    if !in_delivery_leg(o.state) && o.vehicle_id.is_none() {
        return DeliveryView::default();
    }
    // The same policy the use cases enforce decides which forms show.
    let may = caas_domain::staff_policy::staff_actions(staff.role, o.state, &x.payments);
    let st = o.state;
    let r = &o.registration;
    let mut facts = vec![
        (m.d.vin, dash(o.factory.vin.clone())),
        (m.d.plate, dash(r.plate_number.clone())),
        (m.d.registration_number, dash(r.registration_id.clone())),
    ];
    if let Some(c) = &r.certificate_number {
        facts.push((m.d.certificate, c.clone()));
    }
    if let Some(a) = &r.authority {
        facts.push((m.d.authority, a.clone()));
    }
    if let Some(d) = r.registration_date {
        facts.push((m.d.registration_date, day(d, lang)));
    }
    let terms = o.final_payment.as_ref();
    let final_form = may.take_final_payment.then(|| {
        let amount = terms.map(|t| money(t.amount, lang)).unwrap_or_default();
        SenalForm::new(
            format!("/intranet/orders/{}/final-payment", o.id),
            amount,
            crate::web::card_form::CardForm::new_card(cards, lang),
        )
    });
    let h = &o.home;
    let mut home = Vec::new();
    if h.shipments > 0 || h.shipment_reference.is_some() || !h.attempts.is_empty() {
        home = vec![
            (m.d.shipment_reference, dash(h.shipment_reference.clone())),
            (m.d.carrier, dash(h.carrier.clone())),
            (m.d.window, window(&h.window)),
            (m.d.carrier_status, dash(h.status.clone())),
        ];
        if let Some(e) = &h.last_error {
            home.push((m.last_error, e.clone()));
        }
    }
    DeliveryView {
        shown: true,
        error: extras.error.clone(),
        facts,
        received: o
            .reception
            .as_ref()
            .map(|r| reception(r, m))
            .unwrap_or_default(),
        can_receive: may.receive_vehicle,
        final_amount: terms.map(|t| money(t.amount, lang)).unwrap_or_default(),
        final_deadline: terms.map(|t| when(&t.deadline)).unwrap_or_default(),
        final_settled: terms
            .and_then(|t| t.settled_at.as_ref())
            .map(when)
            .unwrap_or_default(),
        final_form,
        can_record_cannot_pay: may.record_cannot_pay,
        registration_issue: st == OrderState::RegistrationIssue,
        can_fix: may.fix_registration,
        registry_error: r.last_error.clone().unwrap_or_default(),
        registry_code: r.last_code.clone().unwrap_or_default(),
        registration_counts: format!("{} / {}", r.attempts, r.submission),
        current_birth: dash(r.owner_birth_date.map(|d| d.format("%Y-%m-%d").to_string())),
        current_name: o.customer.name.clone(),
        current_document: format!(
            "{} {}",
            o.customer.document.kind.as_str(),
            o.customer.document.number
        ),
        home,
        attempts: h.attempts.iter().map(|a| attempt(a, m)).collect(),
        handover: h.handover.as_ref().map(|x| HandoverRow {
            at: when(&x.at),
            place: if x.place == "home" {
                m.d.place_home
            } else {
                m.d.place_dealership
            },
            receiver: x.receiver_name.clone(),
            document: format!("{} ···{}", x.document_type, x.document_last4),
            proof: x.proof.clone(),
        }),
        returned: h
            .returned
            .as_ref()
            .map(|r| reception(r, m))
            .unwrap_or_default(),
        can_receive_return: may.receive_return,
        held: may.hand_over || may.request_redelivery,
        errors: extras.errors,
        entered: extras.entered,
    }
}
