//! The delivery half of the tracker (SPEC §4.1 from the dealership on): the
//! steps after "on the way to the dealership", the final payment due, the
//! plate, the carrier and its window, and the "collect it at the
//! dealership" notice when a home delivery failed. Reached as
//! `crate::web::order_view::delivery`.

use crate::web::i18n::Msg;
use crate::web::order_view::Step;
use crate::web::render::when;
use caas_app::notify::texts::{money, render};
use caas_app::AppError;
use caas_domain::account::Language;
use caas_domain::order::{Order, OrderState};
use caas_domain::partners_delivery::TimeWindow;
use caas_domain::timeline::TimelineKind;

/// The tracker steps along the whole happy path, up to the one `state` reached.
pub fn steps(state: OrderState, lang: Language) -> Vec<Step> {
    let v = Msg::for_lang(lang).v;
    let reached = state.progress_step();
    let mut all = crate::web::timeline::steps(state, lang);
    let later = [
        v.step_at_dealership,
        v.step_final_paid,
        v.step_registered,
        v.step_out,
        v.step_delivered,
        v.step_operational,
    ];
    let first = u8::try_from(all.len()).unwrap_or(u8::MAX).saturating_add(1);
    all.extend(later.into_iter().zip(first..).map(|(label, i)| Step {
        label,
        done: i <= reached,
        current: i == reached,
    }));
    all
}

/// "Collect your vehicle at the dealership".
#[derive(Debug, Clone)]
pub struct CollectNotice {
    /// Title.
    pub title: String,
    /// Text (with the dealership's address and hours once known).
    pub body: String,
    /// The carrier is still taking it back.
    pub returning: bool,
}

/// What the tracker shows of the delivery half.
#[derive(Debug, Clone, Default)]
pub struct DeliveryView {
    /// AWAITING_FINAL_PAYMENT: the final payment is due.
    pub final_due: bool,
    /// Final amount (price minus señal), once requested.
    pub final_amount: String,
    /// Its deadline, once requested.
    pub final_deadline: String,
    /// Plate, once registered.
    pub plate: String,
    /// Carrier of the current shipment.
    pub carrier: String,
    /// Planned delivery window, or empty.
    pub window: String,
    /// Collect-at-the-dealership notice (RETURNING_TO_DEALERSHIP, HELD_AT_DEALERSHIP).
    pub collect: Option<CollectNotice>,
    /// RESERVATION_LOST.
    pub lost: bool,
    /// A vehicle is assigned: its page exists.
    pub has_vehicle: bool,
    /// Final-payment terms exist (or the reservation was lost): its page is worth a link.
    pub final_page: bool,
}

/// A delivery window for people (UTC, as the carrier gives it).
pub fn window(w: &TimeWindow, lang: Language) -> String {
    let day = match lang {
        Language::Es => w.start.format("%d/%m/%Y"),
        Language::En => w.start.format("%-d %B %Y"),
    };
    format!(
        "{day} {}–{} UTC",
        w.start.format("%H:%M"),
        w.end.format("%H:%M")
    )
}

/// The delivery facts of `o` (the collect notice without the address: see
/// [`add_collect_detail`]).
pub fn delivery_view(o: &Order, lang: Language) -> DeliveryView {
    let v = Msg::for_lang(lang).v;
    let collect = matches!(
        o.state,
        OrderState::ReturningToDealership | OrderState::HeldAtDealership
    )
    .then(|| CollectNotice {
        title: v.collect_title.to_owned(),
        body: v.collect_generic.to_owned(),
        returning: o.state == OrderState::ReturningToDealership,
    });
    let lost = o.state == OrderState::ReservationLost;
    DeliveryView {
        final_due: o.state == OrderState::AwaitingFinalPayment,
        final_amount: o
            .final_payment
            .as_ref()
            .map(|t| money(t.amount, lang))
            .unwrap_or_default(),
        final_deadline: o
            .final_payment
            .as_ref()
            .map(|t| when(&t.deadline))
            .unwrap_or_default(),
        plate: o.registration.plate_number.clone().unwrap_or_default(),
        carrier: o.home.carrier.clone().unwrap_or_default(),
        window: o
            .home
            .window
            .as_ref()
            .map(|w| window(w, lang))
            .unwrap_or_default(),
        collect,
        lost,
        has_vehicle: o.vehicle_id.is_some() && !lost && o.state != OrderState::Cancelled,
        final_page: o.final_payment.is_some() || lost,
    }
}

/// Replaces the generic collect notice with the dealership's own text
/// (address and opening hours, as the customer was notified).
pub async fn add_collect_detail(
    app: &caas_app::App,
    d: &mut DeliveryView,
    o: &Order,
    lang: Language,
) -> Result<(), AppError> {
    let Some(c) = d.collect.as_mut() else {
        return Ok(());
    };
    // Without its dealership the generic text stays.
    if let Some(detail) = caas_app::delivery::staff_actions::view_collect_notice(app, o).await? {
        (c.title, c.body) = render(&detail, lang);
    }
    Ok(())
}

fn text<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(serde_json::Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The facts shown with a delivery timeline entry (empty for other kinds).
pub fn timeline_detail(kind: &TimelineKind, v: &serde_json::Value, lang: Language) -> String {
    let m = Msg::for_lang(lang);
    let amount = || {
        v.get("amount")
            .and_then(|a| serde_json::from_value::<caas_domain::money::Money>(a.clone()).ok())
            .map(|a| money(a, lang))
    };
    let mut parts: Vec<String> = Vec::new();
    match kind {
        TimelineKind::FinalPaymentCaptured | TimelineKind::FinalPaymentSettled => {
            parts.extend(amount());
            if let Some(n) = text(v, "invoice") {
                parts.push(n.to_owned());
            }
        }
        TimelineKind::FinalPaymentReminder => {
            if let Some(d) = v.get("deadline").and_then(|d| {
                serde_json::from_value::<chrono::DateTime<chrono::Utc>>(d.clone()).ok()
            }) {
                parts.push(format!("{}: {}", m.v.fp_deadline, when(&d)));
            }
        }
        TimelineKind::Registered => {
            if let Some(p) = text(v, "plate_number") {
                parts.push(format!("{}: {p}", m.o.plate));
            }
        }
        TimelineKind::RegistrationIssue | TimelineKind::AppLinkFailed => {
            parts.extend(text(v, "message").or(text(v, "error")).map(str::to_owned))
        }
        TimelineKind::DeliveryBooked => {
            if let Some(c) = v.get("carrier").and_then(|c| text(c, "name")) {
                parts.push(c.to_owned());
            }
            if let Some(w) = v
                .get("planned_delivery")
                .and_then(|w| serde_json::from_value::<TimeWindow>(w.clone()).ok())
            {
                parts.push(window(&w, lang));
            }
        }
        TimelineKind::ReservationLost => parts.push(
            match text(v, "senal_policy") {
                Some("retained") => m.v.fp_senal_retained,
                _ => m.v.fp_senal_refund,
            }
            .to_owned(),
        ),
        _ => {}
    }
    parts.join(" · ")
}
