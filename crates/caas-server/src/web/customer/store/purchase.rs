//! `/purchases/{purchase_id}`: one purchase in words (state, price, period,
//! payment, withdrawal deadline once active, history, invoice once
//! captured) and `/purchases/{purchase_id}/invoice` (its PDF). Until it settles
//! (active or final) `GET /purchases/{purchase_id}/events` pushes its state
//! as Server-Sent Events and `/static/purchase-live.js` updates the page
//! in place; without JavaScript a `<noscript>` refresh reloads it.

use super::words;
use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::state::AppState;
use crate::web::i18n::store::StoreMsg;
use crate::web::render::{render, Page};
use crate::web::shared::pdf_response;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use caas_app::purchases::invoice::{purchase_invoice, service_invoice_pdf};
use caas_app::purchases::view_purchase;
use caas_domain::account::{Account, Language};
use caas_domain::ids::PurchaseId;
use caas_domain::purchase::{Purchase, PurchaseState};
use serde::Serialize;
use std::convert::Infallible;
use std::time::Duration;

/// What the live script needs to update the page.
#[derive(Debug, Clone, Serialize)]
pub struct LiveState {
    /// Wire state (`ACTIVATING`…).
    pub state: &'static str,
    /// The state in words.
    pub text: String,
    /// Its badge class.
    pub class: &'static str,
    /// The payment in words.
    pub payment: &'static str,
    /// Withdrawal deadline in words, once active.
    pub deadline: String,
    /// Active or final: nothing more to follow.
    pub settled: bool,
}

fn settled(s: PurchaseState) -> bool {
    s.is_final() || s == PurchaseState::Active
}

/// The live part of `p` in `lang`.
pub fn live(p: &Purchase, lang: Language) -> LiveState {
    let (text, class) = words::purchase_state(p, lang);
    let deadline = p
        .activated_at
        .filter(|_| p.state == PurchaseState::Active)
        .and_then(|a| p.withdrawal.deadline(a, p.period.ends_at))
        .map(|d| words::date_time(&d, lang))
        .unwrap_or_default();
    LiveState {
        state: p.state.as_str(),
        text,
        class,
        payment: words::payment_state(p.payment.state, lang),
        deadline,
        settled: settled(p.state),
    }
}

/// One line of the history.
#[derive(Debug, Clone)]
pub struct StepRow {
    /// When.
    pub at: String,
    /// State entered.
    pub state: &'static str,
    /// What happened (stable code).
    pub note: String,
}

#[derive(Template)]
#[template(path = "purchase.html")]
struct PurchasePage {
    p: Page,
    s: &'static StoreMsg,
    id: String,
    vehicle_id: String,
    name: String,
    live: LiveState,
    price: String,
    duration: String,
    period: String,
    steps: Vec<StepRow>,
    invoice: String,
}

/// The purchase page.
pub async fn purchase_get(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<PurchaseId>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let s = StoreMsg::for_lang(lang);
    let p = view_purchase(&state.app, &user.account, &id).await?;
    let invoice = purchase_invoice(&state.app, &user.account, &id)
        .await?
        .map(|_| format!("/purchases/{id}/invoice"))
        .unwrap_or_default();
    let (_, length) = crate::web::labels::pricing(p.item.pricing, lang);
    let page = PurchasePage {
        p: Page::new(&user.viewer, s.purchase_title, &format!("/purchases/{id}")),
        s,
        id: id.to_string(),
        vehicle_id: p.vehicle_id.to_string(),
        name: p.item.option_name.get(lang).to_owned(),
        live: live(&p, lang),
        price: p.item.price.to_string(),
        duration: match p.item.pricing.length() {
            Some(_) => length,
            None => s.for_life.to_owned(),
        },
        period: words::period(&p.period.starts_at, p.period.ends_at.as_ref(), lang),
        steps: p
            .history
            .iter()
            .rev()
            .map(|h| StepRow {
                at: words::date_time(&h.at, lang),
                state: words::state_name(h.state, lang),
                note: h.note.replace('_', " "),
            })
            .collect(),
        invoice,
    };
    Ok(render(&page))
}

/// The purchase's invoice as a PDF (its owner only; 404 before it exists).
pub async fn invoice_get(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<PurchaseId>,
) -> Result<Response, WebError> {
    let (inv, pdf) = service_invoice_pdf(&state.app, &user.account, &id).await?;
    Ok(pdf_response(&inv.number, pdf))
}

/// How often the stream looks at the purchase, and for how long at most.
const POLL: Duration = Duration::from_secs(1);
const MAX_POLLS: u32 = 900;

struct Follow {
    app: caas_app::App,
    account: Account,
    id: PurchaseId,
    lang: Language,
    last: Option<(i64, PurchaseState)>,
    polls: u32,
    done: bool,
}

/// The next event of a followed purchase: when it changed, or `None` to end.
async fn next_event(mut f: Follow) -> Option<(Result<Event, Infallible>, Follow)> {
    while !f.done && f.polls < MAX_POLLS {
        if f.last.is_some() {
            tokio::time::sleep(POLL).await;
        }
        f.polls += 1;
        let Ok(p) = view_purchase(&f.app, &f.account, &f.id).await else {
            continue;
        };
        let now = (p.version, p.state);
        if f.last == Some(now) {
            continue;
        }
        f.last = Some(now);
        let l = live(&p, f.lang);
        f.done = l.settled;
        let data = serde_json::to_string(&l).unwrap_or_default();
        return Some((Ok(Event::default().event("state").data(data)), f));
    }
    None
}

/// Server-Sent Events: the purchase's state each time it changes, until it settles.
pub async fn purchase_events(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<PurchaseId>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    // Another customer's purchase is 404 before any stream starts.
    view_purchase(&state.app, &user.account, &id)
        .await
        .map_err(|e| WebError::new(e, lang))?;
    let follow = Follow {
        app: state.app.clone(),
        account: user.account,
        id,
        lang,
        last: None,
        polls: 0,
        done: false,
    };
    let stream = futures::stream::unfold(follow, next_event);
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// The page's live script.
pub async fn live_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../../../static/purchase-live.js"),
    )
        .into_response()
}
