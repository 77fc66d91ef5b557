//! `/expediente/{order_id}/final-payment`: the customer's final payment
//! (PAY-3..6): amount (price minus señal), deadline and reminders, the
//! online card form of the señal (a declined card shows its reason and
//! code, and the customer retries), "received, waiting for the bank's
//! settlement" after a capture until PAID, and a read-only notice once the
//! reservation is lost. Another customer's order is 404.

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use crate::web::card_form::{chosen, CardForm};
use crate::web::forms::FormData;
use crate::web::i18n::Msg;
use crate::web::labels;
use crate::web::order_view::{order_view, OrderView};
use crate::web::render::{render_status, when, Page};
use crate::web::senal::{outcome, senal_in, FormLabels, SenalForm, SenalOutcome};
use crate::web::shared::NoticeQuery;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use caas_app::notify::texts::money;
use caas_app::orders::expediente::{view_expediente, Expediente};
use caas_app::payments::cards::method_for_payment;
use caas_app::payments::senal::pay_final;
use caas_domain::account::Language;
use caas_domain::ids::OrderId;
use caas_domain::payment::{Payment, PaymentState};

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    let path = "/expediente/{order_id}/final-payment";
    let (web, customer) = (Surface::Web, Access::Roles(CUSTOMER));
    vec![
        def(Method::GET, path, web, customer, get(final_payment_get)),
        def(Method::POST, path, web, customer, post(final_payment_post)),
    ]
}

pub use caas_domain::order_policy::FinalPaymentStage as Stage;

/// The stage of `x`'s final payment, and its latest payment (decided by
/// [`caas_domain::order_policy::final_payment_stage`]).
pub fn stage(x: &Expediente) -> (Stage, Option<&Payment>) {
    caas_domain::order_policy::final_payment_stage(x.order.state, &x.payments)
}

#[derive(Template)]
#[template(path = "final_payment.html")]
struct FinalPaymentPage {
    p: Page,
    o: OrderView,
    stage: Stage,
    amount: String,
    deadline: String,
    requested: String,
    settled: String,
    reminders: String,
    sent: Vec<String>,
    settlement_failed: bool,
    senal: Option<SenalForm>,
    lost_cause: &'static str,
    lost_senal: String,
    lost_policy: &'static str,
}

/// The error shown for a declined card: the reason and the bank's code.
fn declined(p: &Payment, lang: Language) -> String {
    let m = Msg::for_lang(lang);
    let reason = labels::decline(p.decline_code.as_deref(), lang);
    match p.decline_code.as_deref() {
        Some(code) if !code.is_empty() => format!("{reason} ({}: {code})", m.v.code),
        _ => reason.to_owned(),
    }
}

fn notice(key: &str, lang: Language) -> Option<&'static str> {
    let v = Msg::for_lang(lang).v;
    match key {
        "final_captured" => Some(v.n_final_captured),
        "final_processing" => Some(v.n_final_processing),
        _ => None,
    }
}

/// Why the reservation was lost and what becomes of the señal (its timeline entry).
fn lost_texts(x: &Expediente, lang: Language) -> (&'static str, &'static str) {
    let v = Msg::for_lang(lang).v;
    let lost = x
        .timeline
        .iter()
        .rev()
        .find(|e| e.kind == caas_domain::timeline::TimelineKind::ReservationLost);
    let get = |k: &str| lost.and_then(|e| e.data.get(k)?.as_str());
    let cause = match get("cause") {
        Some("staff") => v.fp_lost_staff,
        _ => v.fp_lost_deadline,
    };
    let refund = x.order.senal_refund.as_ref().map(|r| r.status.as_str());
    match (get("senal_policy"), refund) {
        (Some("retained"), _) => (cause, v.fp_senal_retained),
        (_, Some("succeeded")) => (cause, v.fp_senal_refunded),
        (_, Some("failed")) => (cause, v.fp_senal_refund_delayed),
        _ => (cause, v.fp_senal_refund),
    }
}

async fn page(
    state: &AppState,
    user: &WebUser,
    id: &OrderId,
    status: StatusCode,
    notice_key: Option<&str>,
    kept: Option<(String, String)>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let x = view_expediente(&state.app, &user.account, id).await?;
    let o = order_view(&x, lang, &format!("/expediente/{id}/invoices/"), false);
    let (stage, last) = stage(&x);
    let terms = x.order.final_payment.as_ref();
    let amount = caas_domain::order_policy::final_amount(&x.order)
        .map(|a| money(a, lang))
        .unwrap_or_default();
    let senal = if stage == Stage::Due {
        let card = CardForm::for_payer(&state.app, &state.card_fields, &user.account, lang).await;
        let f = SenalForm::new(
            format!("/expediente/{id}/final-payment"),
            amount.clone(),
            card,
        )
        .labelled(FormLabels {
            title: m.v.fp_pay_title,
            amount: m.v.fp_amount,
            submit: m.v.fp_pay,
        });
        Some(match kept {
            Some((method, error)) => f.again(&method, error),
            None => f,
        })
    } else {
        None
    };
    let (lost_cause, lost_policy) = lost_texts(&x, lang);
    let page = FinalPaymentPage {
        p: Page::new(
            &user.viewer,
            m.v.fp_title,
            &format!("/expediente/{id}/final-payment"),
        )
        .with_notice(notice_key.and_then(|n| notice(n, lang))),
        stage,
        deadline: terms.map(|t| when(&t.deadline)).unwrap_or_default(),
        requested: terms.map(|t| when(&t.requested_at)).unwrap_or_default(),
        settled: terms
            .and_then(|t| t.settled_at)
            .map(|t| when(&t))
            .unwrap_or_default(),
        reminders: state
            .app
            .settings
            .final_payment_reminders
            .iter()
            .map(|d| d.num_days().to_string())
            .collect::<Vec<_>>()
            .join(" · "),
        sent: x
            .timeline
            .iter()
            .filter(|e| e.kind == caas_domain::timeline::TimelineKind::FinalPaymentReminder)
            .map(|e| when(&e.at))
            .collect(),
        settlement_failed: stage == Stage::Due
            && last.is_some_and(|p| p.state == PaymentState::SettlementFailed),
        senal,
        lost_cause,
        lost_senal: money(x.order.plan.senal, lang),
        lost_policy,
        amount,
        o,
    };
    Ok(render_status(status, &page))
}

async fn final_payment_get(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    page(&state, &user, &id, StatusCode::OK, q.n(), None).await
}

async fn final_payment_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    f: FormData,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    // Another customer's order is not found before anything is checked.
    let x = view_expediente(&state.app, &user.account, &id).await?;
    let (method, save) = chosen(&f);
    let r = match method_for_payment(&state.app, &user.viewer.ctx, &user.account, &method, save)
        .await
    {
        Ok(method) => {
            let input = senal_in(&x, method, &f);
            pay_final(&state.app, &user.viewer.ctx, &user.account, &input).await
        }
        Err(e) => Err(e),
    };
    let r = match r {
        Ok(p) if p.state == PaymentState::Declined => {
            Ok(SenalOutcome::Again(200, declined(&p, lang)))
        }
        other => outcome(other, lang),
    }?;
    match r {
        SenalOutcome::Done(n) => {
            let key = if n == "senal_paid" {
                "final_captured"
            } else {
                "final_processing"
            };
            let to = format!("/expediente/{id}/final-payment?n={key}");
            Ok(Redirect::to(&to).into_response())
        }
        SenalOutcome::Again(code, error) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
            let kept = Some((method, error));
            page(&state, &user, &id, status, None, kept).await
        }
    }
}
