//! The feature-store fields of an option (ADMIN, ADM-1, SVC-2, MNT-2): the
//! IoT feature code and config sent with `feature.enable`, the maintenance
//! dependency on VSS blocks, and whether the store sells the option. One
//! transaction, audited; every invalid field reported at once.

use super::admin_only;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult, Collect};
use crate::App;
use caas_domain::account::Account;
use caas_domain::audit::AuditEntry;
use caas_domain::catalogue::{
    parse_blocks, parse_feature_code, parse_iot_config, parse_threshold, CatalogueOption,
    MaintenanceDependency, WhenVssUnreachable,
};
use caas_domain::ports::Tx;

/// The feature-store fields as entered (form text; the API converts its JSON).
#[derive(Debug, Clone, Default)]
pub struct StoreFieldsIn {
    /// IoT feature code (`^[A-Z0-9_]{2,40}$`).
    pub iot_feature: String,
    /// Feature config as JSON object text; empty for none.
    pub iot_config: String,
    /// VSS blocks that must be current; none for no maintenance dependency.
    pub blocks: Vec<String>,
    /// Minimum compliance % (1–100); empty for the default 100.
    pub threshold_percent: String,
    /// `refuse` or `allow` when VSS cannot be asked; empty for refuse.
    pub when_unreachable: String,
    /// Sold in the feature store.
    pub active: bool,
}

impl StoreFieldsIn {
    /// The form values of an option as it is.
    pub fn of(o: &CatalogueOption) -> Self {
        let m = o.maintenance.as_ref();
        Self {
            iot_feature: o.iot_feature.clone(),
            iot_config: o
                .iot_config
                .as_ref()
                .and_then(|c| serde_json::to_string(c).ok())
                .unwrap_or_default(),
            blocks: m.map(|m| m.blocks.clone()).unwrap_or_default(),
            threshold_percent: m
                .map_or(MaintenanceDependency::DEFAULT_THRESHOLD, |m| {
                    m.threshold_percent
                })
                .to_string(),
            when_unreachable: m
                .map(|m| m.when_unreachable)
                .unwrap_or_default()
                .as_str()
                .to_owned(),
            active: o.active,
        }
    }
}

/// Loads an option by code inside `tx`, locked until it ends, or `NotFound`.
pub(crate) async fn option_in(tx: &mut dyn Tx, code: &str) -> AppResult<CatalogueOption> {
    let code = code.trim().to_ascii_uppercase();
    tx.find_option_for_update(&code)
        .await?
        .ok_or(AppError::NotFound)
}

/// Saves an option's feature-store fields (ADMIN); texts, platforms and
/// offers stay as they are. `NotFound` for an unknown option.
#[tracing::instrument(skip_all, fields(option = %code))]
pub async fn save_store_fields(
    app: &App,
    ctx: &RequestContext,
    actor: &Account,
    code: &str,
    input: &StoreFieldsIn,
) -> AppResult<CatalogueOption> {
    admin_only(actor)?;
    let mut c = Collect::default();
    let feature = c.take(parse_feature_code(&input.iot_feature));
    let config = c.take(parse_iot_config(&input.iot_config));
    let blocks = c.take(parse_blocks(&input.blocks));
    let threshold = c.take(parse_threshold(&input.threshold_percent));
    let when = c.take(WhenVssUnreachable::parse(&input.when_unreachable));
    let mut tx = app.store.begin().await?;
    let mut o = option_in(&mut *tx, code).await?;
    c.finish()?;
    let (Some(feature), Some(config), Some(blocks), Some(threshold), Some(when)) =
        (feature, config, blocks, threshold, when)
    else {
        return Err(AppError::BadRequest("invalid feature-store fields".into()));
    };
    let now = app.clock.now();
    o.iot_feature = feature;
    o.iot_config = config;
    o.maintenance = MaintenanceDependency::on(blocks).map(|m| MaintenanceDependency {
        threshold_percent: threshold,
        when_unreachable: when,
        ..m
    });
    o.active = input.active;
    o.updated_at = now;
    tx.upsert_option(&o).await?;
    tx.append_audit(
        &AuditEntry::new(now, actor.id.as_str(), "catalogue.store_fields_saved")
            .subject(o.code.clone())
            .details(serde_json::json!({
                "iot_feature": o.iot_feature,
                "active": o.active,
                "maintenance_blocks": o.maintenance.as_ref().map(|m| m.blocks.clone()),
            }))
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(o)
}
