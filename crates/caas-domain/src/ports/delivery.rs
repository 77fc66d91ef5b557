//! Repository port of the delivery half: vehicles (assigned or stock).
//! Customer reads take the owner; staff reads take the dealership scope.

use crate::ids::{AccountId, DealershipId, VehicleId};
use crate::ports::StoreResult;
use crate::vehicle::Vehicle;
use async_trait::async_trait;

/// Vehicles.
#[async_trait]
pub trait VehicleRepo {
    /// Inserts a vehicle; `Conflict` when the VIN exists.
    async fn insert_vehicle(&mut self, v: &Vehicle) -> StoreResult<()>;
    /// Updates a vehicle whose stored version is `v.version - 1`; `false`
    /// when someone else changed it meanwhile.
    async fn update_vehicle(&mut self, v: &Vehicle) -> StoreResult<bool>;
    /// Any vehicle (staff, jobs).
    async fn find_vehicle(&mut self, id: &VehicleId) -> StoreResult<Option<Vehicle>>;
    /// By VIN (fleet link).
    async fn find_vehicle_by_vin(&mut self, vin: &str) -> StoreResult<Option<Vehicle>>;
    /// A vehicle assigned to `owner`.
    async fn find_vehicle_for_customer(
        &mut self,
        owner: &AccountId,
        id: &VehicleId,
    ) -> StoreResult<Option<Vehicle>>;
    /// Vehicles assigned to `owner`.
    async fn list_vehicles_for_customer(&mut self, owner: &AccountId) -> StoreResult<Vec<Vehicle>>;
    /// Sin asignar stock of one dealership (or all, for ADMIN).
    async fn list_stock(&mut self, dealership: Option<&DealershipId>) -> StoreResult<Vec<Vehicle>>;
}
