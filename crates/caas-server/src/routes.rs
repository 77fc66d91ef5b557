//! The route table: every routed endpoint with its surface and access rule,
//! assembled into one router. The guard layer enforces the access written
//! here, so the table is the single source of truth (tests sweep it).

use crate::middleware::guard::guard;
use crate::state::AppState;
use crate::{api, system, web, webhooks};
use axum::http::Method;
use axum::routing::MethodRouter;
use axum::Router;
use caas_app::AppError;
use caas_domain::account::{Account, Role};

/// Who a route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// Server-rendered pages: cookie session, CSRF on every non-GET.
    Web,
    /// JSON API: bearer token, problem+json errors.
    Api,
    /// Health, metrics, OpenAPI: no session.
    System,
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not.
    Public,
    /// Any logged-in account.
    Authenticated,
    /// Logged-in accounts with one of these roles.
    Roles(&'static [Role]),
}

/// Every staff role.
pub const STAFF: &[Role] = &[Role::Sales, Role::DealerOps, Role::Support, Role::Admin];
/// Administrators only.
pub const ADMIN: &[Role] = &[Role::Admin];
/// Customers only.
pub const CUSTOMER: &[Role] = &[Role::Customer];
/// The support queue and read-only car views (SEC-2).
pub const SUPPORT: &[Role] = &[Role::Support, Role::Admin];

impl Access {
    /// Checks a caller against the rule.
    pub fn check(self, account: Option<&Account>) -> Result<(), AppError> {
        match (self, account) {
            (Access::Public, _) => Ok(()),
            (_, None) => Err(AppError::Unauthenticated),
            (Access::Authenticated, Some(_)) => Ok(()),
            (Access::Roles(roles), Some(a)) if roles.contains(&a.role) => Ok(()),
            (Access::Roles(_), Some(_)) => Err(AppError::Forbidden),
        }
    }
}

/// One routed endpoint.
pub struct RouteDef {
    /// HTTP method.
    pub method: Method,
    /// Path template (axum syntax, `{param}`).
    pub path: &'static str,
    /// Surface.
    pub surface: Surface,
    /// Access rule.
    pub access: Access,
    /// Handler.
    pub handler: MethodRouter<AppState>,
}

/// Shorthand constructor used by the resource files.
pub fn def(
    method: Method,
    path: &'static str,
    surface: Surface,
    access: Access,
    handler: MethodRouter<AppState>,
) -> RouteDef {
    RouteDef {
        method,
        path,
        surface,
        access,
        handler,
    }
}

/// The whole table, in the order it is mounted.
pub fn table() -> Vec<RouteDef> {
    [
        system::routes(),
        webhooks::routes(),
        api::v1::auth::routes(),
        api::v1::me::routes(),
        api::v1::catalogue::routes(),
        api::v1::catalogue_admin::routes(),
        api::v1::sales::routes(),
        api::v1::orders::routes(),
        api::v1::delivery::routes(),
        api::v1::delivery_entries::routes(),
        api::v1::notifications::routes(),
        api::v1::payment_methods::routes(),
        api::v1::purchases::routes(),
        api::v1::store::routes(),
        api::v1::support::routes(),
        web::home::routes(),
        web::login::routes(),
        web::activation::routes(),
        web::password::routes(),
        web::account::routes(),
        web::ops::jobs::routes(),
        web::ops::mail::routes(),
        web::ops::accounts::routes(),
        web::ops::dealerships::routes(),
        web::ops::audit::routes(),
        web::ops::catalogue::routes(),
        web::ops::catalogue_save::routes(),
        web::ops::catalogue_store_save::routes(),
        web::intranet::orders::routes(),
        web::intranet::actions::routes(),
        web::intranet::sales::routes(),
        web::intranet::alerts::routes(),
        web::intranet::delivery::routes(),
        web::intranet::delivery_entries::routes(),
        web::intranet::stock::routes(),
        web::customer::expediente::routes(),
        web::customer::final_payment::routes(),
        web::customer::vehicle::routes(),
        web::customer::inbox::routes(),
        web::customer::preferences::routes(),
        web::customer::push_device::routes(),
        web::customer::store::routes(),
        web::customer::cards::routes(),
        web::card_form::routes(),
        web::support::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The router: each table entry behind the guard configured for it.
pub fn router(state: AppState) -> Router<AppState> {
    let mut router = Router::new();
    for r in table() {
        let (surface, access, st) = (r.surface, r.access, state.clone());
        let guarded = r.handler.layer(axum::middleware::from_fn(move |req, next| {
            guard(st.clone(), surface, access, req, next)
        }));
        router = router.route(r.path, guarded);
    }
    router
}
