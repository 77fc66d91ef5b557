//! `/api/v1/support/…`: the JSON side of the support queue and the
//! read-only car view (ADM-4, OTA-10), for SUPPORT and ADMIN. The only
//! command a caller can cause is a `state.query`: no route takes a command
//! type or parameters (SEC-5).

use crate::error::ApiError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::{parse_json, ApiUser};
use crate::routes::{def, Access, RouteDef, Surface, SUPPORT};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use axum::Json;
use caas_app::support::CaseDetail;
use caas_app::twin::view::VehicleSupportView;
use caas_domain::ids::{SupportCaseId, VehicleId};
use caas_domain::purchase::attempt::CommandAttempt;
use caas_domain::purchase::twin::Desired;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

fn support(
    method: Method,
    path: &'static str,
    h: axum::routing::MethodRouter<AppState>,
) -> RouteDef {
    def(method, path, Surface::Api, Access::Roles(SUPPORT), h)
}

/// Routes of this resource.
pub fn routes() -> Vec<RouteDef> {
    vec![
        support(Method::GET, "/api/v1/support/cases", get(list_cases)),
        support(
            Method::POST,
            "/api/v1/support/cases/{case_id}/resolution",
            post(resolve_case),
        ),
        support(
            Method::GET,
            "/api/v1/support/vehicles/{vehicle_id}",
            get(view_vehicle),
        ),
        support(
            Method::POST,
            "/api/v1/support/vehicles/{vehicle_id}/state-query",
            post(ask_state),
        ),
    ]
}

/// One command sent to a car and what came back.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptOut {
    /// `cmd_…`.
    pub command_id: String,
    /// `feature.enable`, `feature.disable`, `state.query`.
    pub kind: String,
    /// Issued.
    pub issued_at: DateTime<Utc>,
    /// Times published.
    pub publishes: u32,
    /// `accepted` received.
    pub accepted_at: Option<DateTime<Utc>>,
    /// Final status.
    pub final_status: Option<String>,
    /// `error.code`.
    pub error_code: Option<String>,
    /// When the final reply came.
    pub final_at: Option<DateTime<Utc>>,
}

impl From<&CommandAttempt> for AttemptOut {
    fn from(a: &CommandAttempt) -> Self {
        Self {
            command_id: a.command_id.clone(),
            kind: a.kind.wire_type().to_owned(),
            issued_at: a.issued_at,
            publishes: a.publishes,
            accepted_at: a.accepted_at,
            final_status: a.final_status.map(|s| s.as_str().to_owned()),
            error_code: a.error_code.clone(),
            final_at: a.final_at,
        }
    }
}

/// A feature as reported.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeatureOut {
    /// Feature code.
    pub code: String,
    /// Enabled.
    pub enabled: bool,
}

/// An escalation with its diagnostic package.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseOut {
    /// `sup_…`.
    pub id: String,
    /// `activation_failed`, `deactivation_failed`.
    pub kind: String,
    /// `high`, `normal`.
    pub priority: String,
    /// One line.
    pub summary: String,
    /// Opened.
    pub opened_at: DateTime<Utc>,
    /// The purchase.
    pub purchase_id: String,
    /// The car.
    pub vehicle_id: String,
    /// Purchase state.
    pub purchase_state: Option<String>,
    /// Attempt log, oldest first.
    pub attempts: Vec<AttemptOut>,
    /// Features of the last answered confirming `state.query`.
    pub snapshot: Option<Vec<FeatureOut>>,
    /// The gateway's intent.
    pub payment_reference: Option<String>,
    /// The authorisation was voided.
    pub voided: bool,
    /// Resolution text, once resolved.
    pub resolution: Option<String>,
    /// Who resolved it.
    pub resolved_by: Option<String>,
    /// When.
    pub resolved_at: Option<DateTime<Utc>>,
}

impl From<&CaseDetail> for CaseOut {
    fn from(d: &CaseDetail) -> Self {
        let c = &d.case;
        let pkg = d.package.as_ref();
        Self {
            id: c.id.to_string(),
            kind: c.kind.as_str().to_owned(),
            priority: c.priority.as_str().to_owned(),
            summary: c.summary.clone(),
            opened_at: c.opened_at,
            purchase_id: c.purchase_id.to_string(),
            vehicle_id: c.vehicle_id.to_string(),
            purchase_state: pkg.map(|p| p.purchase.state.as_str().to_owned()),
            attempts: pkg
                .map(|p| p.attempts.iter().map(AttemptOut::from).collect())
                .unwrap_or_default(),
            snapshot: pkg.and_then(|p| p.snapshot.as_ref()).map(|f| {
                f.iter()
                    .map(|x| FeatureOut {
                        code: x.code.clone(),
                        enabled: x.enabled,
                    })
                    .collect()
            }),
            payment_reference: pkg.and_then(|p| p.payment_reference.clone()),
            voided: pkg.is_some_and(|p| p.voided),
            resolution: c.resolution.as_ref().map(|r| r.text.clone()),
            resolved_by: c.resolution.as_ref().map(|r| r.by.to_string()),
            resolved_at: c.resolution.as_ref().map(|r| r.at),
        }
    }
}

/// A resolution.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolutionIn {
    /// What was done (1–2000 characters).
    pub text: String,
}

/// One option feature: desired beside reported.
#[derive(Debug, Serialize, ToSchema)]
pub struct TwinOut {
    /// Feature code.
    pub code: String,
    /// Catalogue option.
    pub option_code: String,
    /// `enabled`, `disabled` or `held` (left alone now).
    pub desired: String,
    /// Self-expiry desired.
    pub valid_until: Option<DateTime<Utc>>,
    /// Reported (`None`: not in the report).
    pub reported: Option<bool>,
}

/// A reconciliation correction.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionOut {
    /// Feature code.
    pub feature_code: String,
    /// `enable` or `disable`.
    pub action: String,
    /// `cmd_…`.
    pub command_id: String,
    /// `pending`, `succeeded`, `rejected`, `failed`, `expired`, `superseded`.
    pub status: String,
    /// `error.code`.
    pub error_code: Option<String>,
    /// The report `seq` that showed the drift.
    pub seq: i64,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

/// Support's read-only view of a car.
#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleSupportOut {
    /// `veh_…`.
    pub id: String,
    /// VIN.
    pub vin: String,
    /// Order state, if assigned.
    pub order_state: Option<String>,
    /// `online` or `offline`.
    pub presence: Option<String>,
    /// Latest report `seq`.
    pub seq: Option<i64>,
    /// Option features.
    pub features: Vec<TwinOut>,
    /// Base and plan features (never commanded).
    pub fixed: Vec<FeatureOut>,
    /// Corrections, newest first.
    pub corrections: Vec<CorrectionOut>,
    /// Commands of its purchases, newest first.
    pub commands: Vec<AttemptOut>,
}

impl From<&VehicleSupportView> for VehicleSupportOut {
    fn from(v: &VehicleSupportView) -> Self {
        let features = v
            .twins
            .iter()
            .map(|t| {
                let (desired, valid_until) = match &t.desired {
                    Desired::Enabled { valid_until, .. } => ("enabled", *valid_until),
                    Desired::Disabled => ("disabled", None),
                    Desired::Held(_) => ("held", None),
                };
                TwinOut {
                    code: t.feature.code().to_owned(),
                    option_code: t.feature.option_code().to_owned(),
                    desired: desired.to_owned(),
                    valid_until,
                    reported: t.reported.as_ref().map(|r| r.enabled),
                }
            })
            .collect();
        Self {
            id: v.vehicle.id.to_string(),
            vin: v.vehicle.vin.clone(),
            order_state: v.order_state.map(|s| s.as_str().to_owned()),
            presence: v.vehicle.presence.as_ref().map(|p| p.status.clone()),
            seq: v.vehicle.last_state.as_ref().map(|s| s.seq),
            features,
            fixed: v
                .fixed
                .iter()
                .map(|f| FeatureOut {
                    code: f.code.clone(),
                    enabled: f.enabled,
                })
                .collect(),
            corrections: v
                .corrections
                .iter()
                .map(|c| CorrectionOut {
                    feature_code: c.feature_code.clone(),
                    action: c.action.as_str().to_owned(),
                    command_id: c.command_id.clone(),
                    status: c.status.as_str().to_owned(),
                    error_code: c.error_code.clone(),
                    seq: c.seq_at_issue,
                    created_at: c.created_at,
                })
                .collect(),
            commands: v
                .commands
                .iter()
                .map(|c| AttemptOut::from(&c.attempt))
                .collect(),
        }
    }
}

/// The support queue: open cases by priority then age, then resolved ones.
#[utoipa::path(get, path = "/api/v1/support/cases", tag = "support", security(("bearer" = [])),
    responses((status = 200, body = Vec<CaseOut>), (status = 403, body = super::Problem)))]
pub async fn list_cases(
    State(s): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<CaseOut>>, ApiError> {
    let cases = caas_app::support::queue(&s.app, &user.account).await?;
    Ok(Json(cases.iter().map(CaseOut::from).collect()))
}

/// Records how a case was resolved (once).
#[utoipa::path(post, path = "/api/v1/support/cases/{case_id}/resolution", tag = "support", security(("bearer" = [])),
    params(("case_id" = String, Path)), request_body = ResolutionIn,
    responses((status = 200, body = CaseOut), (status = 404, body = super::Problem), (status = 409, body = super::Problem), (status = 422, body = super::Problem)))]
pub async fn resolve_case(
    State(s): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<SupportCaseId>,
    body: axum::body::Bytes,
) -> Result<Json<CaseOut>, ApiError> {
    let b: ResolutionIn = parse_json(&body)?;
    caas_app::support::resolve(&s.app, &user.ctx, &user.account, &id, &b.text).await?;
    let d = caas_app::support::case_detail(&s.app, &user.account, &id).await?;
    Ok(Json(CaseOut::from(&d)))
}

/// One car, read-only: state, features desired versus reported, corrections, commands.
#[utoipa::path(get, path = "/api/v1/support/vehicles/{vehicle_id}", tag = "support", security(("bearer" = [])),
    params(("vehicle_id" = String, Path)), responses((status = 200, body = VehicleSupportOut), (status = 404, body = super::Problem)))]
pub async fn view_vehicle(
    State(s): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<VehicleId>,
) -> Result<Json<VehicleSupportOut>, ApiError> {
    let v = caas_app::twin::view::vehicle_view(&s.app, &user.account, &id).await?;
    Ok(Json(VehicleSupportOut::from(&v)))
}

/// Asks the car for its state (`state.query`); the answer becomes its latest report.
#[utoipa::path(post, path = "/api/v1/support/vehicles/{vehicle_id}/state-query", tag = "support", security(("bearer" = [])),
    params(("vehicle_id" = String, Path)), responses((status = 202), (status = 404, body = super::Problem)))]
pub async fn ask_state(
    State(s): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<VehicleId>,
) -> Result<StatusCode, ApiError> {
    caas_app::twin::view::request_state_query(&s.app, &user.ctx, &user.account, &id).await?;
    Ok(StatusCode::ACCEPTED)
}
