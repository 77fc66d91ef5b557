//! `/api/v1/me`: the caller's account, sessions and password.

use crate::error::ApiError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::{ApiJson, ApiUser};
use crate::routes::{def, Access, RouteDef, Surface};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{delete, get, post};
use axum::Json;
use caas_app::auth::{password, sessions};
use caas_app::AppError;
use caas_domain::ids::SessionId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Routes of this resource.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/api/v1/me",
            Surface::Api,
            Access::Authenticated,
            get(view_me),
        ),
        def(
            Method::GET,
            "/api/v1/me/sessions",
            Surface::Api,
            Access::Authenticated,
            get(list_my_sessions),
        ),
        def(
            Method::DELETE,
            "/api/v1/me/sessions/{session_id}",
            Surface::Api,
            Access::Authenticated,
            delete(revoke_my_session),
        ),
        def(
            Method::POST,
            "/api/v1/me/password",
            Surface::Api,
            Access::Authenticated,
            post(change_my_password),
        ),
    ]
}

/// The caller's account.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    /// Account id.
    pub id: String,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Dealership of staff.
    pub dealership_id: Option<String>,
    /// Language (`es`, `en`).
    pub language: String,
}

/// A session or token of the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    /// Id.
    pub id: String,
    /// `web` or `api`.
    pub kind: String,
    /// Client description.
    pub user_agent: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Expires.
    pub expires_at: DateTime<Utc>,
    /// The one used for this request.
    pub current: bool,
}

/// Password change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordIn {
    /// Current password.
    pub current_password: String,
    /// New password (at least 10 characters).
    pub new_password: String,
}

/// The caller's account.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = MeOut), (status = 401, body = super::Problem, content_type = "application/problem+json")))]
pub async fn view_me(user: ApiUser) -> Json<MeOut> {
    let a = user.account;
    Json(MeOut {
        id: a.id.to_string(),
        email: a.email.to_string(),
        name: a.name,
        role: a.role.as_str().to_owned(),
        dealership_id: a.dealership_id.map(|d| d.to_string()),
        language: a.language.as_str().to_owned(),
    })
}

/// The caller's live sessions and tokens.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = [SessionOut]), (status = 401, body = super::Problem, content_type = "application/problem+json")))]
pub async fn list_my_sessions(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<SessionOut>>, ApiError> {
    let list = sessions::list_sessions(&state.app, &user.account).await?;
    Ok(Json(
        list.into_iter()
            .map(|s| SessionOut {
                current: s.id == user.session.id,
                id: s.id.to_string(),
                kind: s.kind.as_str().to_owned(),
                user_agent: s.user_agent,
                created_at: s.created_at,
                expires_at: s.expires_at,
            })
            .collect(),
    ))
}

/// Revokes one of the caller's sessions or tokens.
#[utoipa::path(delete, path = "/api/v1/me/sessions/{session_id}", tag = "me", security(("bearer" = [])),
    params(("session_id" = String, Path, description = "Session id (`ses_…`)")),
    responses((status = 204, description = "Revoked"), (status = 404, description = "No such session of yours", body = super::Problem, content_type = "application/problem+json")))]
pub async fn revoke_my_session(
    State(state): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<SessionId>,
) -> Result<StatusCode, ApiError> {
    sessions::revoke_session(&state.app, &user.ctx, &user.account, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the caller's password; other sessions and tokens are revoked.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "me", security(("bearer" = [])), request_body = PasswordIn,
    responses((status = 204, description = "Changed"), (status = 422, body = super::Problem, content_type = "application/problem+json")))]
pub async fn change_my_password(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(input): ApiJson<PasswordIn>,
) -> Result<StatusCode, ApiError> {
    password::change_password(
        &state.app,
        &user.ctx,
        &user.account,
        &user.session,
        &input.current_password,
        &input.new_password,
    )
    .await
    .map_err(|e| match e {
        // The rule names the web form's field; the API field is `new_password`.
        AppError::Invalid { field, message } if field == "password" => AppError::Invalid {
            field: "new_password".into(),
            message,
        },
        other => other,
    })?;
    Ok(StatusCode::NO_CONTENT)
}
