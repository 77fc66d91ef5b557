//! The service part of an expediente (EXP-2): every purchase of the order's
//! car by its owner with its history, the services active now with their
//! end dates, and the service invoices — one read, scoped by the owner, for
//! the expediente, the vehicle page and `GET /api/v1/orders/{id}`.

use crate::error::AppResult;
use crate::orders::expediente::Expediente;
use crate::App;
use caas_domain::account::Account;
use caas_domain::ids::PurchaseId;
use caas_domain::purchase::{Purchase, PurchaseState};
use caas_domain::records::ServiceInvoice;

/// An order's services.
#[derive(Debug, Clone, Default)]
pub struct OrderServices {
    /// Every purchase of the car by the owner, newest first.
    pub purchases: Vec<Purchase>,
    /// Service invoices, oldest first.
    pub invoices: Vec<ServiceInvoice>,
}

impl OrderServices {
    /// The services running now (ACTIVE), soonest end first, lifetime last.
    pub fn active(&self) -> Vec<&Purchase> {
        let mut v: Vec<&Purchase> = self
            .purchases
            .iter()
            .filter(|p| p.state == PurchaseState::Active)
            .collect();
        v.sort_by_key(|p| (p.period.ends_at.is_none(), p.period.ends_at));
        v
    }

    /// The invoice of a purchase, if it has one.
    pub fn invoice_of(&self, id: &PurchaseId) -> Option<&ServiceInvoice> {
        self.invoices.iter().find(|i| &i.purchase_id == id)
    }
}

/// The services of the caller's expediente `x` (already read for the caller).
pub async fn order_services(
    app: &App,
    customer: &Account,
    x: &Expediente,
) -> AppResult<OrderServices> {
    let Some(vehicle) = x.order.vehicle_id.as_ref() else {
        return Ok(OrderServices::default());
    };
    let mut tx = app.store.read().await?;
    let purchases = tx
        .list_purchases_of_customer_vehicle(&customer.id, vehicle)
        .await?
        .into_iter()
        .filter(|p| p.order_id == x.order.id)
        .collect();
    let invoices = tx
        .list_service_invoices_for_customer(&customer.id, &x.order.id)
        .await?;
    Ok(OrderServices {
        purchases,
        invoices,
    })
}
