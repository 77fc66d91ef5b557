//! `/support`: the support queue (ADM-4) — escalations by priority, each
//! with its diagnostic package (attempt log with command ids, codes and
//! times; the confirming query's state snapshot; payment reference and
//! void status) and a resolution form — and the per-car read-only view
//! ([`vehicle`]). SUPPORT and ADMIN only; no route here buys, refunds or
//! sends a command other than a `state.query`.

pub mod vehicle;

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, SUPPORT};
use crate::state::AppState;
use crate::web::forms::FormData;
use crate::web::i18n::support::SupportMsg;
use crate::web::i18n::Msg;
use crate::web::render::{render, when, Page};
use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use caas_app::support::{queue, resolve, CaseDetail};
use caas_domain::ids::SupportCaseId;
use caas_domain::support::{SupportCaseKind, SupportPriority};

/// Routes of the queue.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/support",
            Surface::Web,
            Access::Roles(SUPPORT),
            get(queue_get),
        ),
        def(
            Method::POST,
            "/support/cases/{case_id}/resolve",
            Surface::Web,
            Access::Roles(SUPPORT),
            post(resolve_post),
        ),
    ]
    .into_iter()
    .chain(vehicle::routes())
    .collect()
}

/// One command of a package, as shown.
pub(crate) struct AttemptRow {
    pub command_id: String,
    pub kind: String,
    pub issued: String,
    pub publishes: u32,
    pub status: String,
    pub code: String,
    pub answered: String,
}

impl AttemptRow {
    pub(crate) fn of(a: &caas_domain::purchase::attempt::CommandAttempt) -> Self {
        Self {
            command_id: a.command_id.clone(),
            kind: a.kind.wire_type().to_owned(),
            issued: when(&a.issued_at),
            publishes: a.publishes,
            status: a
                .final_status
                .map(|s| s.as_str().to_owned())
                .unwrap_or_else(|| {
                    if a.accepted_at.is_some() {
                        "accepted".into()
                    } else {
                        "—".into()
                    }
                }),
            code: a.error_code.clone().unwrap_or_default(),
            answered: a.final_at.as_ref().map(when).unwrap_or_default(),
        }
    }
}

struct CaseRow {
    id: String,
    kind: &'static str,
    priority: &'static str,
    high: bool,
    summary: String,
    opened: String,
    purchase_id: String,
    vehicle_id: String,
    option: String,
    state: String,
    attempts: Vec<AttemptRow>,
    snapshot: Option<Vec<(String, bool)>>,
    payment_reference: String,
    voided: bool,
    resolution: Option<(String, String, String)>,
}

fn kind_label(k: SupportCaseKind, s: &SupportMsg) -> &'static str {
    match k {
        SupportCaseKind::ActivationFailed => s.activation_failed,
        SupportCaseKind::DeactivationFailed => s.deactivation_failed,
    }
}

fn row(d: &CaseDetail, s: &SupportMsg) -> CaseRow {
    let c = &d.case;
    let pkg = d.package.as_ref();
    CaseRow {
        id: c.id.to_string(),
        kind: kind_label(c.kind, s),
        priority: match c.priority {
            SupportPriority::High => s.high,
            SupportPriority::Normal => s.normal,
        },
        high: c.priority == SupportPriority::High,
        summary: c.summary.clone(),
        opened: when(&c.opened_at),
        purchase_id: c.purchase_id.to_string(),
        vehicle_id: c.vehicle_id.to_string(),
        option: pkg
            .map(|p| p.purchase.item.option_code.clone())
            .unwrap_or_default(),
        state: pkg
            .map(|p| p.purchase.state.as_str().to_owned())
            .unwrap_or_default(),
        attempts: pkg
            .map(|p| p.attempts.iter().map(AttemptRow::of).collect())
            .unwrap_or_default(),
        snapshot: pkg
            .and_then(|p| p.snapshot.as_ref())
            .map(|f| f.iter().map(|x| (x.code.clone(), x.enabled)).collect()),
        payment_reference: pkg
            .and_then(|p| p.payment_reference.clone())
            .unwrap_or_default(),
        voided: pkg.is_some_and(|p| p.voided),
        resolution: c
            .resolution
            .as_ref()
            .map(|r| (when(&r.at), r.by.to_string(), r.text.clone())),
    }
}

#[derive(Template)]
#[template(path = "support_queue.html")]
struct QueuePage {
    p: Page,
    rows: Vec<CaseRow>,
}

async fn queue_get(State(state): State<AppState>, user: WebUser) -> Result<Response, WebError> {
    let m = Msg::for_lang(user.viewer.lang);
    let cases = queue(&state.app, &user.account).await?;
    Ok(render(&QueuePage {
        p: Page::new(&user.viewer, m.sup.queue_title, "/support"),
        rows: cases.iter().map(|d| row(d, m.sup)).collect(),
    }))
}

async fn resolve_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<SupportCaseId>,
    form: FormData,
) -> Result<Response, WebError> {
    resolve(
        &state.app,
        &user.viewer.ctx,
        &user.account,
        &id,
        &form.get("resolution"),
    )
    .await?;
    Ok(Redirect::to("/support").into_response())
}
