//! `POST /api/v1/auth/token` and `POST /api/v1/auth/revoke`: bearer tokens
//! for the mobile app (same credentials as the web, AUTH-5).

use crate::error::ApiError;
use crate::extract::viewer::{ApiJson, ApiUser, Viewer};
use crate::routes::{def, Access, RouteDef, Surface};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::post;
use axum::Json;
use caas_app::auth::{login, sessions};
use caas_domain::session::SessionKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Routes of this resource.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::POST,
            "/api/v1/auth/token",
            Surface::Api,
            Access::Public,
            post(create_token),
        ),
        def(
            Method::POST,
            "/api/v1/auth/revoke",
            Surface::Api,
            Access::Authenticated,
            post(revoke_token),
        ),
    ]
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenIn {
    /// Account email.
    pub email: String,
    /// Password.
    pub password: String,
}

/// An issued bearer token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    /// The secret to send as `Authorization: Bearer …`. Shown only now.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
    /// Id of the token (to list or revoke it).
    pub session_id: String,
    /// Role of the account.
    pub role: String,
}

/// Issues a bearer token for the app.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenIn,
    responses(
        (status = 201, description = "Token issued", body = TokenOut),
        (status = 401, description = "Wrong credentials", body = super::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<TokenIn>,
) -> Result<(StatusCode, Json<TokenOut>), ApiError> {
    let issued = login::login(
        &state.app,
        &viewer.ctx,
        &input.email,
        &input.password,
        SessionKind::Api,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenOut {
            access_token: issued.secret,
            token_type: "Bearer",
            expires_at: issued.session.expires_at,
            session_id: issued.session.id.to_string(),
            role: issued.account.role.as_str().to_owned(),
        }),
    ))
}

/// Revokes the token used to call it.
#[utoipa::path(post, path = "/api/v1/auth/revoke", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "Revoked"), (status = 401, description = "No valid token", body = super::Problem, content_type = "application/problem+json")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<StatusCode, ApiError> {
    sessions::logout(&state.app, &user.ctx, &user.account, &user.session).await?;
    Ok(StatusCode::NO_CONTENT)
}
