//! Reading purchases: the owner's own only (404 otherwise, SEC-3).

use crate::error::{AppError, AppResult};
use crate::App;
use caas_domain::account::{Account, Role};
use caas_domain::ids::{PurchaseId, VehicleId};
use caas_domain::purchase::Purchase;

fn customer_only(a: &Account) -> AppResult<()> {
    if a.role == Role::Customer {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// One purchase of the caller.
pub async fn view_purchase(app: &App, customer: &Account, id: &PurchaseId) -> AppResult<Purchase> {
    customer_only(customer)?;
    let mut tx = app.store.read().await?;
    tx.find_purchase_for_customer(&customer.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The caller's purchases for one of their cars, newest first.
pub async fn list_car_purchases(
    app: &App,
    customer: &Account,
    vehicle: &VehicleId,
) -> AppResult<Vec<Purchase>> {
    customer_only(customer)?;
    let mut tx = app.store.read().await?;
    if tx
        .find_vehicle_for_customer(&customer.id, vehicle)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    Ok(tx
        .list_purchases_of_customer_vehicle(&customer.id, vehicle)
        .await?)
}
