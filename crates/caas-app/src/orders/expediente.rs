//! The customer's expediente (EXP-1/2 as far as the order has gone): plan
//! comercial, live tracker, timeline, factory estimate with its revision
//! history, payments and invoices. Every read is scoped by the owner.

use crate::error::AppResult;
use crate::App;
use caas_domain::account::Account;
use caas_domain::catalogue::{CatalogueOption, Platform};
use caas_domain::ids::OrderId;
use caas_domain::order::Order;
use caas_domain::records::OrderFile;
use std::sync::Arc;

/// Everything the expediente page shows: the order's file (order, timeline,
/// estimates, payments, invoices — fields reached through `Deref`) and the
/// catalogue entries of its plan.
#[derive(Debug, Clone)]
pub struct Expediente {
    /// The order and its records, shared with the cache.
    pub file: Arc<OrderFile>,
    /// Its plataforma base, if still in the catalogue.
    pub platform: Option<Platform>,
    /// Its plan options as catalogue entries.
    pub options: Vec<CatalogueOption>,
}

impl std::ops::Deref for Expediente {
    type Target = OrderFile;
    fn deref(&self) -> &OrderFile {
        &self.file
    }
}

/// Adds the catalogue entries of the plan to an order's file.
pub async fn assemble(app: &App, file: Arc<OrderFile>) -> AppResult<Expediente> {
    let catalogue = app.caches.catalogue(&*app.store).await?;
    let plan = &file.order.plan;
    let platform = catalogue
        .platforms
        .iter()
        .find(|p| p.code == plan.platform_code)
        .cloned();
    let options = catalogue
        .options
        .iter()
        .filter(|o| plan.option_codes.contains(&o.code))
        .cloned()
        .collect();
    Ok(Expediente {
        file,
        platform,
        options,
    })
}

/// The orders of the customer, newest first.
pub async fn list_my_orders(app: &App, customer: &Account) -> AppResult<Vec<Order>> {
    let mut tx = app.store.single_read().await?;
    Ok(tx.list_orders_for_customer(&customer.id).await?)
}

/// The expediente of one of the customer's orders; another's is not found.
/// Served from the order-file cache, else read in one statement.
pub async fn view_expediente(app: &App, customer: &Account, id: &OrderId) -> AppResult<Expediente> {
    let file = app
        .caches
        .order_file(&*app.store, Some(&customer.id), id)
        .await?;
    assemble(app, file).await
}

/// The customer's expediente and the vehicle assigned to it, both scoped by
/// the owner: another customer's order is not found, and a vehicle no
/// longer assigned to them (back in stock) is not theirs to see.
pub async fn view_my_vehicle(
    app: &App,
    customer: &Account,
    id: &OrderId,
) -> AppResult<(Expediente, Option<caas_domain::vehicle::Vehicle>)> {
    let x = view_expediente(app, customer, id).await?;
    let vehicle = match &x.order.vehicle_id {
        Some(vid) => {
            let mut tx = app.store.read().await?;
            tx.find_vehicle_for_customer(&customer.id, vid).await?
        }
        None => None,
    };
    Ok((x, vehicle))
}
