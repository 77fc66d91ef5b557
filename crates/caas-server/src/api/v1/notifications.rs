//! `/api/v1/notifications` and `/api/v1/push-subscriptions`: the inbox with
//! per-channel delivery states, channel preferences, and the Web Push
//! subscriptions of the customer's app installations (MOB-2).

use super::views::NotificationOut;
use crate::error::ApiError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::{ApiJson, ApiUser};
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{delete, get, post, put};
use axum::Json;
use caas_app::notify::prefs;
use caas_app::AppError;
use caas_domain::ids::PushSubscriptionId;
use caas_domain::notification::{Channel, NotificationKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Routes of this resource.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/api/v1/notifications",
            Surface::Api,
            Access::Roles(CUSTOMER),
            get(list_notifications),
        ),
        def(
            Method::POST,
            "/api/v1/notifications/read",
            Surface::Api,
            Access::Roles(CUSTOMER),
            post(mark_notifications_read),
        ),
        def(
            Method::GET,
            "/api/v1/notifications/preferences",
            Surface::Api,
            Access::Roles(CUSTOMER),
            get(list_preferences),
        ),
        def(
            Method::PUT,
            "/api/v1/notifications/preferences",
            Surface::Api,
            Access::Roles(CUSTOMER),
            put(set_preference),
        ),
        def(
            Method::GET,
            "/api/v1/push-subscriptions",
            Surface::Api,
            Access::Roles(CUSTOMER),
            get(list_push_subscriptions),
        ),
        def(
            Method::POST,
            "/api/v1/push-subscriptions",
            Surface::Api,
            Access::Roles(CUSTOMER),
            post(create_push_subscription),
        ),
        def(
            Method::DELETE,
            "/api/v1/push-subscriptions/{subscription_id}",
            Surface::Api,
            Access::Roles(CUSTOMER),
            delete(delete_push_subscription),
        ),
        def(
            Method::GET,
            "/api/v1/push/vapid-public-key",
            Surface::Api,
            Access::Authenticated,
            get(view_vapid_key),
        ),
    ]
}

/// The inbox, newest first, with each channel's delivery state.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = [NotificationOut])))]
pub async fn list_notifications(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<NotificationOut>>, ApiError> {
    let items = prefs::list_inbox(&state.app, &user.account, 200).await?;
    Ok(Json(items.iter().map(NotificationOut::from).collect()))
}

/// Marks the whole inbox read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", security(("bearer" = [])), responses((status = 204)))]
pub async fn mark_notifications_read(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<StatusCode, ApiError> {
    prefs::mark_inbox_read(&state.app, &user.account).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One cell of the matrix.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PreferenceIo {
    /// Event (`manufacturing_milestone`…).
    pub event: String,
    /// `email`, `push`, `display`, `sms`.
    pub channel: String,
    /// `M`, `O`, `B` or `–` (output only).
    #[serde(default)]
    pub requirement: String,
    /// On or off.
    pub enabled: bool,
}

/// The notification matrix as it applies to the caller.
#[utoipa::path(get, path = "/api/v1/notifications/preferences", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = [PreferenceIo])))]
pub async fn list_preferences(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<PreferenceIo>>, ApiError> {
    let cells = prefs::list_preferences(&state.app, &user.account).await?;
    Ok(Json(
        cells
            .into_iter()
            .map(|c| PreferenceIo {
                event: c.kind.as_str().into(),
                channel: c.channel.as_str().into(),
                requirement: c.requirement.letter().into(),
                enabled: c.enabled,
            })
            .collect(),
    ))
}

/// Switches one optional cell on or off (mandatory cells: 422).
#[utoipa::path(put, path = "/api/v1/notifications/preferences", tag = "notifications", security(("bearer" = [])),
    request_body = PreferenceIo, responses((status = 204), (status = 422, body = super::Problem)))]
pub async fn set_preference(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<PreferenceIo>,
) -> Result<StatusCode, ApiError> {
    let kind = NotificationKind::parse(&b.event)?;
    let channel = Channel::parse(&b.channel)?;
    prefs::set_preference(&state.app, &user.account, kind, channel, b.enabled).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PushSubscription.toJSON()` as the browser gives it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PushSubscriptionIn {
    /// Push service endpoint.
    pub endpoint: String,
    /// `{p256dh, auth}`.
    pub keys: PushKeys,
}

/// Keys of a subscription.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PushKeys {
    /// Browser public key.
    pub p256dh: String,
    /// Auth secret.
    pub auth: String,
}

/// A registered push subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushSubscriptionOut {
    /// `psb_…`.
    pub id: String,
    /// Push service endpoint.
    pub endpoint: String,
    /// Browser or app that registered it.
    pub user_agent: String,
    /// When.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn sub_out(s: &caas_domain::records::PushSubscription) -> PushSubscriptionOut {
    PushSubscriptionOut {
        id: s.id.to_string(),
        endpoint: s.endpoint.clone(),
        user_agent: s.user_agent.clone(),
        created_at: s.created_at,
    }
}

/// The key push messages are signed with.
#[derive(Debug, Serialize, ToSchema)]
pub struct VapidKeyOut {
    /// VAPID public key, base64url (the `applicationServerKey`).
    pub public_key: String,
}

/// Registers this app installation for push.
#[utoipa::path(post, path = "/api/v1/push-subscriptions", tag = "notifications", security(("bearer" = [])),
    request_body = PushSubscriptionIn, responses((status = 201, body = PushSubscriptionOut), (status = 422, body = super::Problem)))]
pub async fn create_push_subscription(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<PushSubscriptionIn>,
) -> Result<(StatusCode, Json<PushSubscriptionOut>), ApiError> {
    let ua = user.ctx.user_agent.clone().unwrap_or_default();
    let s = prefs::subscribe_push(
        &state.app,
        &user.account,
        &user.session.id,
        &b.endpoint,
        &b.keys.p256dh,
        &b.keys.auth,
        &ua,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(sub_out(&s))))
}

/// The caller's push subscriptions.
#[utoipa::path(get, path = "/api/v1/push-subscriptions", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = [PushSubscriptionOut])))]
pub async fn list_push_subscriptions(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<PushSubscriptionOut>>, ApiError> {
    Ok(Json(
        prefs::list_push(&state.app, &user.account)
            .await?
            .iter()
            .map(sub_out)
            .collect(),
    ))
}

/// Removes one of the caller's push subscriptions.
#[utoipa::path(delete, path = "/api/v1/push-subscriptions/{subscription_id}", tag = "notifications", security(("bearer" = [])),
    params(("subscription_id" = String, Path)), responses((status = 204), (status = 404, body = super::Problem)))]
pub async fn delete_push_subscription(
    State(state): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<PushSubscriptionId>,
) -> Result<StatusCode, ApiError> {
    prefs::unsubscribe_push(&state.app, &user.account, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The VAPID public key the app subscribes with.
#[utoipa::path(get, path = "/api/v1/push/vapid-public-key", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = VapidKeyOut)))]
pub async fn view_vapid_key(
    State(state): State<AppState>,
    _user: ApiUser,
) -> Result<Json<VapidKeyOut>, ApiError> {
    let key = state
        .app
        .partners
        .push
        .as_ref()
        .map(|p| p.vapid_public_key())
        .ok_or(AppError::NotFound)?;
    Ok(Json(VapidKeyOut { public_key: key }))
}
