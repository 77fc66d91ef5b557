//! `/support/vehicles/{vehicle_id}`: one car, read-only (OTA-10, SEC-2) —
//! latest state and presence, option features desired beside reported, the
//! base and plan features it reports (never commanded), the corrections log
//! and the command history — with one button, "ask the car for its state",
//! which queues a `state.query` (the only command support can trigger).

use super::AttemptRow;
use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, SUPPORT};
use crate::state::AppState;
use crate::web::i18n::support::SupportMsg;
use crate::web::i18n::Msg;
use crate::web::render::{render, when, Page};
use crate::web::shared::NoticeQuery;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use caas_app::twin::view::{request_state_query, vehicle_view, VehicleSupportView};
use caas_domain::ids::VehicleId;
use caas_domain::purchase::twin::Desired;

/// Routes of the car view.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/support/vehicles/{vehicle_id}",
            Surface::Web,
            Access::Roles(SUPPORT),
            get(vehicle_get),
        ),
        def(
            Method::POST,
            "/support/vehicles/{vehicle_id}/state-query",
            Surface::Web,
            Access::Roles(SUPPORT),
            post(state_query_post),
        ),
    ]
}

struct TwinRow {
    code: String,
    option: String,
    desired: String,
    reported: String,
    drift: bool,
}

struct CorrectionRow {
    at: String,
    feature: String,
    action: &'static str,
    command_id: String,
    status: &'static str,
    code: String,
}

struct CommandRow {
    purchase_id: String,
    option: String,
    a: AttemptRow,
}

#[derive(Template)]
#[template(path = "support_vehicle.html")]
struct VehiclePage {
    p: Page,
    id: String,
    vin: String,
    platform: String,
    order_state: String,
    presence: String,
    report: Option<(i64, String, String, String)>,
    twins: Vec<TwinRow>,
    fixed: Vec<(String, bool)>,
    corrections: Vec<CorrectionRow>,
    commands: Vec<CommandRow>,
}

fn on_off(on: bool, s: &SupportMsg) -> &'static str {
    if on {
        s.on
    } else {
        s.off
    }
}

fn page(v: &VehicleSupportView, p: Page, s: &SupportMsg) -> VehiclePage {
    let car = &v.vehicle;
    let twins = v
        .twins
        .iter()
        .map(|t| {
            let reported = t.reported.as_ref().map(|r| r.enabled);
            let (desired, drift) = match &t.desired {
                Desired::Enabled { valid_until, .. } => (
                    format!(
                        "{}{}",
                        s.on,
                        valid_until
                            .as_ref()
                            .map(|u| format!(" → {}", when(u)))
                            .unwrap_or_default()
                    ),
                    reported == Some(false),
                ),
                Desired::Disabled => (s.off.to_owned(), reported == Some(true)),
                Desired::Held(_) => (s.held.to_owned(), false),
            };
            TwinRow {
                code: t.feature.code().to_owned(),
                option: t.feature.option_code().to_owned(),
                desired,
                reported: reported
                    .map(|r| on_off(r, s))
                    .unwrap_or(s.not_reported)
                    .to_owned(),
                drift,
            }
        })
        .collect();
    VehiclePage {
        p,
        id: car.id.to_string(),
        vin: car.vin.clone(),
        platform: car.platform_code.clone(),
        order_state: v
            .order_state
            .map(|o| o.as_str().to_owned())
            .unwrap_or_default(),
        presence: car
            .presence
            .as_ref()
            .map(|pr| {
                format!(
                    "{} {}",
                    pr.status,
                    car.presence_at.as_ref().map(when).unwrap_or_default()
                )
            })
            .unwrap_or_else(|| "—".into()),
        report: car.last_state.as_ref().map(|r| {
            (
                r.seq,
                when(&r.reported_at),
                r.reason.clone(),
                format!(
                    "{} · {} · {}",
                    r.ignition, r.health.status, r.firmware_version
                ),
            )
        }),
        twins,
        fixed: v
            .fixed
            .iter()
            .map(|f| (f.code.clone(), f.enabled))
            .collect(),
        corrections: v
            .corrections
            .iter()
            .map(|c| CorrectionRow {
                at: when(&c.created_at),
                feature: c.feature_code.clone(),
                action: c.action.as_str(),
                command_id: c.command_id.clone(),
                status: c.status.as_str(),
                code: c.error_code.clone().unwrap_or_default(),
            })
            .collect(),
        commands: v
            .commands
            .iter()
            .map(|c| CommandRow {
                purchase_id: c.purchase_id.to_string(),
                option: c.option_code.clone(),
                a: AttemptRow::of(&c.attempt),
            })
            .collect(),
    }
}

async fn vehicle_get(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<VehicleId>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let m = Msg::for_lang(user.viewer.lang);
    let v = vehicle_view(&state.app, &user.account, &id).await?;
    let path = format!("/support/vehicles/{id}");
    let notice = (q.n() == Some("state_asked")).then_some(m.sup.state_asked);
    let p = Page::new(&user.viewer, m.sup.vehicle_title, &path).with_notice(notice);
    Ok(render(&page(&v, p, m.sup)))
}

async fn state_query_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<VehicleId>,
) -> Result<Response, WebError> {
    request_state_query(&state.app, &user.viewer.ctx, &user.account, &id).await?;
    Ok(Redirect::to(&format!("/support/vehicles/{id}?n=state_asked")).into_response())
}
