//! Dealership administration: creation, listing and the details customers
//! see when they collect a vehicle (address, opening hours).

use crate::auth::audit;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult, Collect};
use crate::App;
use caas_domain::account::{Account, Role};
use caas_domain::audit::AuditEntry;
use caas_domain::dealership::{parse_country, Dealership};
use caas_domain::ids::DealershipId;
use caas_domain::DomainError;

/// Creates a dealership.
pub async fn create_dealership(
    app: &App,
    ctx: &RequestContext,
    actor: &str,
    name: &str,
    country: &str,
    locality: &str,
) -> AppResult<Dealership> {
    let name = name.trim();
    if name.is_empty() || name.len() > 120 {
        return Err(DomainError::invalid("name", "is required (at most 120 characters)").into());
    }
    let locality = locality.trim();
    if locality.is_empty() || locality.len() > 120 {
        return Err(
            DomainError::invalid("locality", "is required (at most 120 characters)").into(),
        );
    }
    let d = Dealership {
        id: DealershipId::new(),
        name: name.to_owned(),
        country: parse_country(country)?,
        locality: locality.to_owned(),
        address: String::new(),
        opening_hours: String::new(),
        created_at: app.clock.now(),
    };
    let mut tx = app.store.begin().await?;
    tx.insert_dealership(&d).await?;
    tx.append_audit(
        &audit(d.created_at, ctx, actor, "dealership.created").subject(d.id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(d)
}

/// All dealerships.
pub async fn list_dealerships(app: &App) -> AppResult<Vec<Dealership>> {
    Ok(app.store.read().await?.list_dealerships().await?)
}

/// One dealership.
pub async fn find_dealership(app: &App, id: &DealershipId) -> AppResult<Dealership> {
    app.store
        .read()
        .await?
        .find_dealership(id)
        .await?
        .ok_or(crate::AppError::NotFound)
}

/// Sets the address and opening hours of a dealership (ADMIN only, audited);
/// returns the updated dealership.
pub async fn update_dealership_details(
    app: &App,
    ctx: &RequestContext,
    actor: &Account,
    id: &DealershipId,
    address: &str,
    opening_hours: &str,
) -> AppResult<Dealership> {
    if actor.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let (address, opening_hours) = (address.trim(), opening_hours.trim());
    let mut c = Collect::default();
    if address.chars().count() > 300 || address.contains('\0') {
        c.push("address", "at most 300 characters");
    }
    if opening_hours.chars().count() > 200 || opening_hours.contains('\0') {
        c.push("opening_hours", "at most 200 characters");
    }
    c.finish()?;
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let mut d = tx.find_dealership(id).await?.ok_or(AppError::NotFound)?;
    tx.update_dealership_details(id, address, opening_hours)
        .await?;
    tx.append_audit(
        &AuditEntry::new(now, actor.id.as_str(), "dealership.details_updated")
            .subject(id.to_string())
            .details(serde_json::json!({"address": address, "opening_hours": opening_hours}))
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    d.address = address.to_owned();
    d.opening_hours = opening_hours.to_owned();
    Ok(d)
}
