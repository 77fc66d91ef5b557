//! The customer's expediente (EXP-1/2 as far as the order has gone): plan
//! comercial, live tracker, timeline, factory estimate with its revision
//! history, payments and invoices. Every read is scoped by the owner.

use crate::catalogue::load_catalogue;
use crate::error::{AppError, AppResult};
use crate::App;
use caas_domain::account::Account;
use caas_domain::catalogue::{CatalogueOption, Platform};
use caas_domain::ids::OrderId;
use caas_domain::order::Order;
use caas_domain::payment::Payment;
use caas_domain::ports::Tx;
use caas_domain::records::{EstimateRevision, Invoice, TimelineEntry};

/// Everything the expediente page shows.
#[derive(Debug, Clone)]
pub struct Expediente {
    /// The order.
    pub order: Order,
    /// Its plataforma base, if still in the catalogue.
    pub platform: Option<Platform>,
    /// Its plan options as catalogue entries.
    pub options: Vec<CatalogueOption>,
    /// Timeline, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Estimate history, oldest first.
    pub estimates: Vec<EstimateRevision>,
    /// Payments, oldest first.
    pub payments: Vec<Payment>,
    /// Invoices.
    pub invoices: Vec<Invoice>,
}

/// Assembles the expediente of an order already authorised for the caller.
pub async fn assemble(app: &App, tx: &mut dyn Tx, order: Order) -> AppResult<Expediente> {
    let catalogue = load_catalogue(app).await?;
    let platform = catalogue
        .platforms
        .iter()
        .find(|p| p.code == order.plan.platform_code)
        .cloned();
    let options = catalogue
        .options
        .into_iter()
        .filter(|o| order.plan.option_codes.contains(&o.code))
        .collect();
    Ok(Expediente {
        timeline: tx.list_timeline(&order.id).await?,
        estimates: tx.list_estimate_revisions(&order.id).await?,
        payments: tx.list_payments_for_order(&order.id).await?,
        invoices: tx.list_invoices_for_order(&order.id).await?,
        platform,
        options,
        order,
    })
}

/// The orders of the customer, newest first.
pub async fn list_my_orders(app: &App, customer: &Account) -> AppResult<Vec<Order>> {
    let mut tx = app.store.read().await?;
    Ok(tx.list_orders_for_customer(&customer.id).await?)
}

/// The expediente of one of the customer's orders; another's is not found.
pub async fn view_expediente(app: &App, customer: &Account, id: &OrderId) -> AppResult<Expediente> {
    let mut tx = app.store.read().await?;
    let order = tx
        .find_order_for_customer(&customer.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    assemble(app, &mut *tx, order).await
}
