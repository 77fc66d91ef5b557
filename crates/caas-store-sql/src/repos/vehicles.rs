//! Vehicle repository shared by both backends: the aggregate in `doc`,
//! with `vin`, `dealership_id`, `status` and `customer_id` as columns for
//! lookups, stock lists and owner scoping. Invoked by `impl_repos!`.

/// Implements the vehicle repository for `$tx`.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_vehicle_repos {
    ($tx:ty) => {
        const _: () = {
            use $crate::__rt::caas_domain::ids::{AccountId, DealershipId, VehicleId};
            use $crate::__rt::caas_domain::ports::*;
            use $crate::__rt::caas_domain::vehicle::{Assignment, Vehicle};
            use $crate::__rt::sqlx;
            use $crate::map_err;
            use $crate::rows::{from_doc, from_docs, to_doc};
            use $crate::doc::Doc;

            fn columns(v: &Vehicle) -> (&'static str, Option<String>) {
                match &v.assignment {
                    Assignment::Assigned { customer_id, .. } => ("ASSIGNED", Some(customer_id.to_string())),
                    Assignment::SinAsignar => ("SIN_ASIGNAR", None),
                }
            }

            #[$crate::__rt::async_trait]
            impl VehicleRepo for $tx {
                async fn insert_vehicle(&mut self, v: &Vehicle) -> StoreResult<()> {
                    let (status, customer) = columns(v);
                    sqlx::query("INSERT INTO vehicles (id, vin, dealership_id, status, customer_id, version, created_at, updated_at, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                        .bind(v.id.as_str()).bind(&v.vin).bind(v.dealership_id.as_str()).bind(status).bind(customer)
                        .bind(v.version).bind(v.created_at).bind(v.updated_at).bind(to_doc(v)?)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn update_vehicle(&mut self, v: &Vehicle) -> StoreResult<bool> {
                    let (status, customer) = columns(v);
                    let r = sqlx::query("UPDATE vehicles SET dealership_id = $2, status = $3, customer_id = $4, version = $5, updated_at = $6, doc = $7 WHERE id = $1 AND version = $8")
                        .bind(v.id.as_str()).bind(v.dealership_id.as_str()).bind(status).bind(customer)
                        .bind(v.version).bind(v.updated_at).bind(to_doc(v)?).bind(v.version - 1)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn find_vehicle(&mut self, id: &VehicleId) -> StoreResult<Option<Vehicle>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM vehicles WHERE id = $1")
                        .bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn find_vehicle_by_vin(&mut self, vin: &str) -> StoreResult<Option<Vehicle>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM vehicles WHERE vin = $1")
                        .bind(vin).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn find_vehicle_for_customer(&mut self, owner: &AccountId, id: &VehicleId) -> StoreResult<Option<Vehicle>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM vehicles WHERE customer_id = $1 AND id = $2")
                        .bind(owner.as_str()).bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn list_vehicles_for_customer(&mut self, owner: &AccountId) -> StoreResult<Vec<Vehicle>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM vehicles WHERE customer_id = $1 ORDER BY created_at DESC, id DESC")
                        .bind(owner.as_str()).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn list_stock(&mut self, dealership: Option<&DealershipId>) -> StoreResult<Vec<Vehicle>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM vehicles WHERE status = 'SIN_ASIGNAR' AND ($1 IS NULL OR dealership_id = $1) ORDER BY updated_at DESC, id DESC")
                        .bind(dealership.map(|d| d.as_str())).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }
            }
        };
    };
}
