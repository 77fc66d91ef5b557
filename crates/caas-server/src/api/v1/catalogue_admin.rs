//! ADMIN edits of the catalogue for the feature store (ADM-1, SVC-2, MNT-2,
//! SVC-12): an option's feature-store fields, adding an offer, changing an
//! offer's price or active flag. Offers are never deleted and never change
//! model or length (deactivate and add a new one instead).

use super::views::{OfferOut, OptionOut};
use crate::error::ApiError;
use crate::extract::path_id::PathCodeId;
use crate::extract::viewer::{ApiJson, ApiUser};
use crate::routes::{def, Access, RouteDef, Surface, ADMIN};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::routing::{patch, post, put};
use axum::Json;
use caas_app::catalogue::offers::{add_offer, change_offer, OfferChange, OfferIn};
use caas_app::catalogue::store::{save_store_fields, StoreFieldsIn};
use caas_app::AppError;
use caas_domain::ids::OfferId;
use serde::Deserialize;
use utoipa::ToSchema;

/// Routes of this resource.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::PUT,
            "/api/v1/catalogue/options/{code}/store",
            Surface::Api,
            Access::Roles(ADMIN),
            put(put_store_fields),
        ),
        def(
            Method::POST,
            "/api/v1/catalogue/options/{code}/offers",
            Surface::Api,
            Access::Roles(ADMIN),
            post(create_offer),
        ),
        def(
            Method::PATCH,
            "/api/v1/catalogue/options/{code}/offers/{offer_id}",
            Surface::Api,
            Access::Roles(ADMIN),
            patch(update_offer),
        ),
    ]
}

/// An option's feature-store fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreFieldsBody {
    /// IoT feature code (`^[A-Z0-9_]{2,40}$`, contract iot-api).
    pub iot_feature: String,
    /// `config` sent with `feature.enable`: a JSON object; null or absent for none.
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    #[serde(default)]
    pub iot_config: Option<serde_json::Value>,
    /// What maintenance the option depends on; null or absent for nothing.
    #[serde(default)]
    pub maintenance: Option<MaintenanceBody>,
    /// Sold in the feature store (an inactive option stays listed, marked inactive).
    pub active: bool,
}

/// An option's dependency on VSS functional blocks (MNT-2).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceBody {
    /// Blocks that must be current: `brakes`, `tyres`, `suspension_steering`,
    /// `adas_sensors`, `battery`, `powertrain`, `hvac`, `body_electrics`. Empty for none.
    pub blocks: Vec<String>,
    /// Minimum compliance % of each block, 1–100 (default 100).
    #[serde(default)]
    pub threshold_percent: Option<i64>,
    /// `refuse` (default) or `allow` when VSS cannot be asked.
    #[serde(default)]
    pub when_unreachable: Option<String>,
}

/// A period length.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LengthBody {
    /// How many units, 1–999.
    pub count: u32,
    /// `day`, `week`, `month` or `year`.
    pub unit: String,
}

/// A new offer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferBody {
    /// `time_limited`, `lifetime`, `subscription`, `planned` or `recurring`.
    pub model: String,
    /// Required for `time_limited`, `planned` and `recurring`; absent otherwise.
    #[serde(default)]
    pub length: Option<LengthBody>,
    /// Price per period as decimal text (`9.90`).
    pub price: String,
    /// ISO 4217 (`EUR`).
    pub currency: String,
}

/// A change to an offer. Model and length cannot change (purchases refer to
/// the offer): deactivate it and add another.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferPatch {
    /// New price as decimal text; absent keeps it.
    #[serde(default)]
    pub price: Option<String>,
    /// Currency of the price; absent keeps the offer's.
    #[serde(default)]
    pub currency: Option<String>,
    /// Available to new purchases; absent keeps it.
    #[serde(default)]
    pub active: Option<bool>,
}

/// The length errors under the body's names (`length.count`, `length.unit`).
fn length_fields(e: AppError) -> AppError {
    let rename = |f: String| match f.as_str() {
        "count" => "length.count".to_owned(),
        "unit" => "length.unit".to_owned(),
        _ => f,
    };
    match e {
        AppError::InvalidFields(list) => AppError::InvalidFields(
            list.into_iter()
                .map(|mut f| {
                    f.field = rename(f.field);
                    f
                })
                .collect(),
        ),
        AppError::Invalid { field, message } => AppError::Invalid {
            field: rename(field),
            message,
        },
        other => other,
    }
}

/// Saves an option's IoT feature code and config, maintenance dependency and
/// active flag; texts, platforms and offers stay.
#[utoipa::path(put, path = "/api/v1/catalogue/options/{code}/store", tag = "catalogue", security(("bearer" = [])),
    params(("code" = String, Path, description = "Option code")), request_body = StoreFieldsBody,
    responses((status = 200, body = OptionOut), (status = 422, body = super::Problem)))]
pub async fn put_store_fields(
    State(s): State<AppState>,
    user: ApiUser,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<StoreFieldsBody>,
) -> Result<Json<OptionOut>, ApiError> {
    let m = b.maintenance;
    let input = StoreFieldsIn {
        iot_feature: b.iot_feature,
        iot_config: b.iot_config.map(|v| v.to_string()).unwrap_or_default(),
        blocks: m.as_ref().map(|m| m.blocks.clone()).unwrap_or_default(),
        threshold_percent: m
            .as_ref()
            .and_then(|m| m.threshold_percent)
            .map(|n| n.to_string())
            .unwrap_or_default(),
        when_unreachable: m.and_then(|m| m.when_unreachable).unwrap_or_default(),
        active: b.active,
    };
    let o = save_store_fields(&s.app, &user.ctx, &user.account, &code, &input).await?;
    Ok(Json(OptionOut::from(&o)))
}

/// Adds an active offer to an option (at most one active offer per model,
/// length and currency).
#[utoipa::path(post, path = "/api/v1/catalogue/options/{code}/offers", tag = "catalogue", security(("bearer" = [])),
    params(("code" = String, Path, description = "Option code")), request_body = OfferBody,
    responses((status = 201, body = OfferOut), (status = 422, body = super::Problem)))]
pub async fn create_offer(
    State(s): State<AppState>,
    user: ApiUser,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<OfferBody>,
) -> Result<(StatusCode, Json<OfferOut>), ApiError> {
    let input = OfferIn {
        model: b.model,
        count: b
            .length
            .as_ref()
            .map(|l| l.count.to_string())
            .unwrap_or_default(),
        unit: b.length.map(|l| l.unit).unwrap_or_default(),
        price: b.price,
        currency: b.currency,
    };
    let offer = add_offer(&s.app, &user.ctx, &user.account, &code, &input)
        .await
        .map_err(length_fields)?;
    Ok((StatusCode::CREATED, Json(OfferOut::from(&offer))))
}

/// Changes an offer's price or active flag; its id stays, so purchases keep
/// referring to it (they froze the price they paid).
#[utoipa::path(patch, path = "/api/v1/catalogue/options/{code}/offers/{offer_id}", tag = "catalogue", security(("bearer" = [])),
    params(("code" = String, Path, description = "Option code"), ("offer_id" = String, Path)), request_body = OfferPatch,
    responses((status = 200, body = OfferOut), (status = 422, body = super::Problem)))]
pub async fn update_offer(
    State(s): State<AppState>,
    user: ApiUser,
    PathCodeId(code, id): PathCodeId<OfferId>,
    ApiJson(b): ApiJson<OfferPatch>,
) -> Result<Json<OfferOut>, ApiError> {
    let change = OfferChange {
        price: b.price,
        currency: b.currency,
        active: b.active,
    };
    let offer = change_offer(&s.app, &user.ctx, &user.account, &code, &id, &change).await?;
    Ok(Json(OfferOut::from(&offer)))
}
