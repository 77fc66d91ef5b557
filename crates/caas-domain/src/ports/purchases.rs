//! Repository ports of the feature store: purchases and their invoices. Customer reads take the
//! owner, so a forgotten check cannot show another customer's purchase.

use crate::ids::{AccountId, OrderId, PurchaseId, VehicleId};
use crate::ports::StoreResult;
use crate::purchase::{Purchase, PurchaseState};
use crate::records::ServiceInvoice;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Purchases.
#[async_trait]
pub trait PurchaseRepo {
    /// Inserts a purchase. `Conflict` when the same option of the same car
    /// already has a purchase in progress (the schema allows one).
    async fn insert_purchase(&mut self, p: &Purchase) -> StoreResult<()>;
    /// Updates a purchase whose stored version is `p.version - 1`; `false`
    /// when another writer got there first.
    async fn update_purchase(&mut self, p: &Purchase) -> StoreResult<bool>;
    /// Any purchase (jobs, support).
    async fn find_purchase(&mut self, id: &PurchaseId) -> StoreResult<Option<Purchase>>;
    /// A purchase of `owner`.
    async fn find_purchase_for_customer(
        &mut self,
        owner: &AccountId,
        id: &PurchaseId,
    ) -> StoreResult<Option<Purchase>>;
    /// The purchase whose current command (or confirming query) is `command_id`.
    async fn find_purchase_by_command(&mut self, command_id: &str)
        -> StoreResult<Option<Purchase>>;
    /// Every purchase of a car, oldest first (jobs, eligibility).
    async fn list_purchases_for_vehicle(
        &mut self,
        vehicle: &VehicleId,
    ) -> StoreResult<Vec<Purchase>>;
    /// The purchases `owner` made for a car, newest first.
    async fn list_purchases_of_customer_vehicle(
        &mut self,
        owner: &AccountId,
        vehicle: &VehicleId,
    ) -> StoreResult<Vec<Purchase>>;
    /// Purchases in `state` whose period ends before `before` (expiry), oldest end first.
    async fn list_purchases_ending(
        &mut self,
        state: PurchaseState,
        before: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Purchase>>;
}

/// Invoices of captured services (PAY-14), one per purchase.
#[async_trait]
pub trait ServiceInvoiceRepo {
    /// Stores the invoice of its purchase with its PDF, taking the order and
    /// customer from the purchase row. `Conflict` when the purchase already
    /// has one, is not `CAPTURED` (PAY-15: nothing undelivered is
    /// invoiced), does not exist, or the number was used.
    async fn insert_service_invoice(&mut self, i: &ServiceInvoice, pdf: &[u8]) -> StoreResult<()>;
    /// The service invoices `owner` has for an order, oldest first.
    async fn list_service_invoices_for_customer(
        &mut self,
        owner: &AccountId,
        order: &OrderId,
    ) -> StoreResult<Vec<ServiceInvoice>>;
    /// The invoice of one purchase of `owner`, with its PDF.
    async fn find_service_invoice_pdf_for_customer(
        &mut self,
        owner: &AccountId,
        purchase: &PurchaseId,
    ) -> StoreResult<Option<(ServiceInvoice, Vec<u8>)>>;
}
