//! The catalogue (ADM-1, SVC-2): reading it, seeding an empty database and
//! ADMIN edits of plataformas base and options; the feature-store fields of
//! an option in [`store`], its offers in [`offers`].

pub mod offers;
pub mod seed;
pub mod store;

use crate::context::RequestContext;
use crate::error::{AppError, AppResult, Collect};
use crate::App;
use caas_domain::account::{Account, Role};
use caas_domain::audit::AuditEntry;
use caas_domain::catalogue::{parse_code, CatalogueOption, Localized, OptionCategory, Platform};
use caas_domain::money::{Currency, Money};

/// Platforms and options.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// Plataformas base by code.
    pub platforms: Vec<Platform>,
    /// Options by code.
    pub options: Vec<CatalogueOption>,
}

impl Catalogue {
    /// The options offered on `platform`.
    pub fn options_for(&self, platform: &str) -> Vec<&CatalogueOption> {
        self.options.iter().filter(|o| o.fits(platform)).collect()
    }
}

/// The whole catalogue: an in-memory snapshot, reloaded after any change.
pub async fn load_catalogue(app: &App) -> AppResult<std::sync::Arc<Catalogue>> {
    app.caches.catalogue(&*app.store).await
}

/// The features the platform may command on a car of `platform` whose plan
/// comercial holds `plan_option_codes` (OTA-9), per the cached catalogue.
pub async fn car_features(
    app: &App,
    platform: &str,
    plan_option_codes: &[String],
) -> AppResult<caas_domain::fleet::CarFeatures> {
    let catalogue = load_catalogue(app).await?;
    Ok(caas_domain::fleet::CarFeatures::new(
        platform,
        &catalogue.options,
        plan_option_codes,
    ))
}

/// Loads the seed catalogue if there is no platform yet; returns whether it did.
pub async fn seed_catalogue_if_empty(app: &App) -> AppResult<bool> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    if !tx.list_platforms().await?.is_empty() {
        return Ok(false);
    }
    for p in seed::platforms(now) {
        tx.upsert_platform(&p).await?;
    }
    for o in seed::options(now) {
        tx.upsert_option(&o).await?;
    }
    tx.append_audit(&AuditEntry::new(now, "system", "catalogue.seeded"))
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// A platform as entered by an administrator.
#[derive(Debug, Clone, Default)]
pub struct PlatformIn {
    /// Model code.
    pub code: String,
    /// Name in Spanish.
    pub name_es: String,
    /// Name in English.
    pub name_en: String,
    /// Description in Spanish.
    pub description_es: String,
    /// Description in English.
    pub description_en: String,
    /// Base price, decimal text.
    pub base_price: String,
    /// ISO 4217.
    pub currency: String,
    /// Offered in new sales.
    pub active: bool,
}

pub(crate) fn admin_only(actor: &Account) -> AppResult<()> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Creates or updates a platform (ADMIN).
pub async fn save_platform(
    app: &App,
    ctx: &RequestContext,
    actor: &Account,
    input: &PlatformIn,
) -> AppResult<Platform> {
    admin_only(actor)?;
    let mut c = Collect::default();
    let code = c.take(parse_code("code", &input.code));
    let name = c.take(Localized::parse("name", &input.name_es, &input.name_en));
    let description = c.take(Localized::parse(
        "description",
        &input.description_es,
        &input.description_en,
    ));
    let currency = c.take(Currency::parse(input.currency.trim()));
    let price = currency.and_then(|cur| c.take(Money::parse(&input.base_price, cur)));
    c.finish()?;
    let (Some(code), Some(name), Some(description), Some(base_price)) =
        (code, name, description, price)
    else {
        return Err(AppError::BadRequest("invalid platform".into()));
    };
    let now = app.clock.now();
    let p = Platform {
        code,
        name,
        description,
        base_price,
        active: input.active,
        updated_at: now,
    };
    let mut tx = app.store.begin().await?;
    tx.upsert_platform(&p).await?;
    tx.append_audit(
        &AuditEntry::new(now, actor.id.as_str(), "catalogue.platform_saved")
            .subject(p.code.clone())
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(p)
}

/// An option as entered by an administrator (offers are kept as they are).
#[derive(Debug, Clone, Default)]
pub struct OptionIn {
    /// Option code.
    pub code: String,
    /// Name in Spanish.
    pub name_es: String,
    /// Name in English.
    pub name_en: String,
    /// Description in Spanish.
    pub description_es: String,
    /// Description in English.
    pub description_en: String,
    /// Category wire name.
    pub category: String,
    /// Model codes offering it.
    pub platforms: Vec<String>,
}

/// Creates or updates an option (ADMIN); existing offers are preserved.
pub async fn save_option(
    app: &App,
    ctx: &RequestContext,
    actor: &Account,
    input: &OptionIn,
) -> AppResult<CatalogueOption> {
    admin_only(actor)?;
    let mut c = Collect::default();
    let code = c.take(parse_code("code", &input.code));
    let name = c.take(Localized::parse("name", &input.name_es, &input.name_en));
    let description = c.take(Localized::parse(
        "description",
        &input.description_es,
        &input.description_en,
    ));
    let category = c.take(OptionCategory::parse(&input.category));
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let platforms = tx.list_platforms().await?;
    let mut chosen = Vec::new();
    for p in &input.platforms {
        match platforms.iter().find(|x| &x.code == p) {
            Some(x) => chosen.push(x.code.clone()),
            None => c.push("platforms", format!("unknown platform {p}")),
        }
    }
    if chosen.is_empty() {
        c.push("platforms", "choose at least one plataforma base");
    }
    c.finish()?;
    let (Some(code), Some(name), Some(description), Some(category)) =
        (code, name, description, category)
    else {
        return Err(AppError::BadRequest("invalid option".into()));
    };
    let existing = tx.find_option_for_update(&code).await?;
    let o = CatalogueOption {
        iot_feature: existing
            .as_ref()
            .map(|e| e.iot_feature.clone())
            .unwrap_or_else(|| code.replace('-', "_")),
        iot_config: existing.as_ref().and_then(|e| e.iot_config.clone()),
        active: existing.as_ref().is_none_or(|e| e.active),
        offers: existing
            .as_ref()
            .map(|e| e.offers.clone())
            .unwrap_or_default(),
        maintenance: existing.and_then(|e| e.maintenance),
        code,
        name,
        description,
        category,
        platforms: chosen,
        updated_at: now,
    };
    tx.upsert_option(&o).await?;
    tx.append_audit(
        &AuditEntry::new(now, actor.id.as_str(), "catalogue.option_saved")
            .subject(o.code.clone())
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(o)
}
