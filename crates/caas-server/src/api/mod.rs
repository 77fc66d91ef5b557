//! The JSON API for the mobile app and integrations. Bearer tokens,
//! RFC 9457 problem+json errors, documented by OpenAPI generated from the code.

pub mod v1;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The OpenAPI 3.1 document.
#[derive(OpenApi)]
#[openapi(
    info(title = "caas API", description = "Car as a Service: customer and intranet API."),
    paths(
        v1::auth::create_token,
        v1::auth::revoke_token,
        v1::me::view_me,
        v1::me::list_my_sessions,
        v1::me::revoke_my_session,
        v1::me::change_my_password,
    ),
    components(schemas(v1::Problem, v1::FieldError, v1::auth::TokenIn, v1::auth::TokenOut, v1::me::MeOut, v1::me::SessionOut, v1::me::PasswordIn)),
    modifiers(&BearerAuth),
    tags((name = "auth", description = "Tokens for the app"), (name = "me", description = "The caller's own account"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}
