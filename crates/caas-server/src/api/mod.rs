//! The JSON API for the mobile app and integrations. Bearer tokens,
//! RFC 9457 problem+json errors, documented by OpenAPI generated from the code.

mod problems;
pub mod v1;

use problems::ProblemResponses;
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
        v1::catalogue::view_catalogue,
        v1::catalogue_admin::put_store_fields,
        v1::catalogue_admin::create_offer,
        v1::catalogue_admin::update_offer,
        v1::sales::create_sale,
        v1::sales::list_sales,
        v1::sales::view_sale,
        v1::sales::pay_senal_at_dealership,
        v1::sales::resubmit_sale,
        v1::sales::cancel_sale,
        v1::sales::download_invoice_for_staff,
        v1::orders::list_orders,
        v1::orders::view_order,
        v1::orders::pay_senal_online,
        v1::orders::download_invoice,
        v1::notifications::list_notifications,
        v1::payment_methods::list_cards,
        v1::payment_methods::save_card,
        v1::payment_methods::delete_card,
        v1::purchases::quote_offer,
        v1::purchases::confirm_basket,
        v1::purchases::list_purchases,
        v1::purchases::view_purchase,
        v1::purchases::download_purchase_invoice,
        v1::store::view_car_catalogue,
        v1::support::list_cases,
        v1::support::resolve_case,
        v1::support::view_vehicle,
        v1::support::ask_state,
        v1::notifications::mark_notifications_read,
        v1::notifications::list_preferences,
        v1::notifications::set_preference,
        v1::notifications::create_push_subscription,
        v1::notifications::list_push_subscriptions,
        v1::notifications::delete_push_subscription,
        v1::notifications::view_vapid_key,
        v1::delivery::record_reception,
        v1::delivery::pay_final_at_dealership,
        v1::delivery::record_cannot_pay,
        v1::delivery::resubmit_registration,
        v1::delivery::record_return_reception,
        v1::delivery::record_pickup,
        v1::delivery::request_redelivery,
        v1::delivery::list_stock,
        v1::delivery::pay_final_online,
        v1::delivery::link_app,
        v1::delivery_entries::record_delivery_entry,
    ),
    components(schemas(caas_app::sales::SaleIn, caas_app::delivery::staff_entries::DeliveryEntry, v1::Problem, v1::FieldError, v1::auth::TokenIn, v1::auth::TokenOut, v1::me::MeOut, v1::me::SessionOut, v1::me::PasswordIn, v1::views::OrderOut, v1::views::PaymentOut, v1::views::ExpedienteOut, v1::sales::SenalPayIn, v1::sales::ResubmitIn, v1::notifications::PreferenceIo, v1::notifications::PushSubscriptionIn)),
    modifiers(&BearerAuth, &ProblemResponses),
    tags((name = "auth", description = "Tokens for the app"), (name = "me", description = "The caller's own account"), (name = "catalogue", description = "Plataformas base and options"), (name = "sales", description = "Intranet: sales and the dealership's orders"), (name = "orders", description = "The customer's orders and expedientes"), (name = "notifications", description = "Inbox, preferences and push"), (name = "payment-methods", description = "The customer's saved cards"), (name = "support", description = "Support queue and read-only car views"))
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
