//! Dealership administration (the full catalogue side arrives with sales).

use crate::auth::audit;
use crate::context::RequestContext;
use crate::error::AppResult;
use crate::App;
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
