//! An option's offers (ADMIN, ADM-1, SVC-12): add one, or change an offer's
//! price or active flag. An offer is never deleted and never changes model or
//! length, because purchases refer to its id; a different model or length is
//! a new offer (deactivate the old one). A price change is fine: purchases
//! keep the price they paid. One transaction each, audited.

use super::admin_only;
use super::store::option_in;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult, Collect};
use crate::App;
use caas_domain::account::Account;
use caas_domain::audit::AuditEntry;
use caas_domain::catalogue::{CatalogueOption, Offer, PeriodLength, PricingModel};
use caas_domain::ids::OfferId;
use caas_domain::money::{Currency, Money};
use caas_domain::DomainError;

/// A new offer as entered (form text; the API converts its JSON).
#[derive(Debug, Clone, Default)]
pub struct OfferIn {
    /// `time_limited`, `lifetime`, `subscription`, `planned` or `recurring`.
    pub model: String,
    /// Period length (1–999) for the models that have one; empty otherwise.
    pub count: String,
    /// `day`, `week`, `month` or `year` (read only with a count).
    pub unit: String,
    /// Price per period, decimal text (`9.90`).
    pub price: String,
    /// ISO 4217 code.
    pub currency: String,
}

/// A change to an offer: what is `None` stays as it is.
#[derive(Debug, Clone, Default)]
pub struct OfferChange {
    /// New price, decimal text.
    pub price: Option<String>,
    /// Currency of the new price (default: the offer's).
    pub currency: Option<String>,
    /// Available to new purchases.
    pub active: Option<bool>,
}

/// `r`'s error moved to `field` (the domain names the money parts `amount`).
fn on<T>(field: &'static str, r: Result<T, DomainError>) -> Result<T, DomainError> {
    r.map_err(|e| match e {
        DomainError::Invalid { message, .. } => DomainError::invalid(field, message),
        other => other,
    })
}

fn price(c: &mut Collect, text: &str, currency: &str) -> Option<Money> {
    let currency = c.take(on("currency", Currency::parse(currency.trim())))?;
    c.take(on("price", Money::parse(text, currency)))
}

async fn write(
    ctx: &RequestContext,
    actor: &Account,
    mut tx: Box<dyn caas_domain::ports::Tx>,
    o: &CatalogueOption,
    action: &str,
    offer: &Offer,
) -> AppResult<()> {
    tx.upsert_option(o).await?;
    tx.append_audit(
        &AuditEntry::new(o.updated_at, actor.id.as_str(), action)
            .subject(o.code.clone())
            .details(serde_json::json!({
                "offer_id": offer.id,
                "model": offer.pricing.as_str(),
                "price_minor": offer.price.minor,
                "currency": offer.price.currency.code(),
                "active": offer.active,
            }))
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds an active offer to an option (ADMIN). `NotFound` for an unknown
/// option; at most one active offer per model, length and currency.
#[tracing::instrument(skip_all, fields(option = %code))]
pub async fn add_offer(
    app: &App,
    ctx: &RequestContext,
    actor: &Account,
    code: &str,
    input: &OfferIn,
) -> AppResult<Offer> {
    admin_only(actor)?;
    let mut c = Collect::default();
    let length = if input.count.trim().is_empty() {
        Some(None)
    } else {
        c.take(PeriodLength::parse(&input.count, &input.unit).map(Some))
    };
    let pricing = length.and_then(|l| c.take(PricingModel::parse(&input.model, l)));
    let amount = price(&mut c, &input.price, &input.currency);
    let mut tx = app.store.begin().await?;
    let mut o = option_in(&mut *tx, code).await?;
    let offer = match (pricing, amount) {
        (Some(p), Some(m)) => c.take(Offer::new(p, m)),
        _ => None,
    };
    if let Some(offer) = &offer {
        c.take(o.add_offer(offer.clone()));
    }
    c.finish()?;
    let Some(offer) = offer else {
        return Err(AppError::BadRequest("invalid offer".into()));
    };
    o.updated_at = app.clock.now();
    write(ctx, actor, tx, &o, "catalogue.offer_added", &offer).await?;
    Ok(offer)
}

/// Changes an offer's price or active flag (ADMIN); its id, model and length
/// stay. `NotFound` for an unknown option or an offer of another option.
#[tracing::instrument(skip_all, fields(option = %code, offer = %id))]
pub async fn change_offer(
    app: &App,
    ctx: &RequestContext,
    actor: &Account,
    code: &str,
    id: &OfferId,
    change: &OfferChange,
) -> AppResult<Offer> {
    admin_only(actor)?;
    let mut tx = app.store.begin().await?;
    let mut o = option_in(&mut *tx, code).await?;
    let current = o
        .offers
        .iter()
        .find(|f| &f.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let mut c = Collect::default();
    let new_price = match (&change.price, &change.currency) {
        (None, None) => Some(current.price),
        (text, cur) => {
            let text = text.clone().unwrap_or_else(|| decimal(current.price));
            let cur = cur
                .clone()
                .unwrap_or_else(|| current.price.currency.code().to_owned());
            price(&mut c, &text, &cur)
        }
    };
    let active = change.active.unwrap_or(current.active);
    let changed = new_price.and_then(|p| c.take(o.change_offer(id, p, active)));
    c.finish()?;
    let Some(Some(offer)) = changed else {
        return Err(AppError::NotFound);
    };
    o.updated_at = app.clock.now();
    write(ctx, actor, tx, &o, "catalogue.offer_changed", &offer).await?;
    Ok(offer)
}

/// Decimal text of an amount in its currency's minor digits.
pub fn decimal(m: Money) -> String {
    let digits = m.currency.exponent();
    if digits == 0 {
        return m.minor.to_string();
    }
    let unit = 10_i64.pow(digits);
    format!(
        "{}.{:0width$}",
        m.minor / unit,
        m.minor % unit,
        width = digits as usize
    )
}
