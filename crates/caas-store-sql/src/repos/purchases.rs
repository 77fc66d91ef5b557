//! Purchase repository shared by both backends: the document plus the
//! columns the schema checks (amount, states, period) and finds by (car,
//! customer, current command, end). Writes are version-guarded; the unique
//! "one in progress per car and option" index turns a racing second
//! confirmation into a `Conflict`. Invoked by `impl_repos!`.

/// Implements the purchase repository for `$tx`.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_purchase_repos {
    ($tx:ty) => {
        const _: () = {
            use $crate::__rt::caas_domain::ids::{AccountId, PurchaseId, VehicleId};
            use $crate::__rt::caas_domain::ports::*;
            use $crate::__rt::caas_domain::purchase::{Purchase, PurchaseState};
            use $crate::__rt::chrono::{DateTime, Utc};
            use $crate::__rt::sqlx;
            use $crate::doc::Doc;
            use $crate::map_err;
            use $crate::rows::{from_doc, from_docs, to_doc};

            fn payment_state(p: &Purchase) -> &'static str {
                use $crate::__rt::caas_domain::purchase::ServicePaymentState as S;
                match p.payment.state {
                    S::Created => "CREATED",
                    S::Authorized => "AUTHORIZED",
                    S::Declined => "DECLINED",
                    S::Captured => "CAPTURED",
                    S::Voided => "VOIDED",
                    S::Debt => "DEBT",
                }
            }

            #[$crate::__rt::async_trait]
            impl PurchaseRepo for $tx {
                async fn insert_purchase(&mut self, p: &Purchase) -> StoreResult<()> {
                    self.st.note(Invalidation::Order(p.order_id.clone()));
                    sqlx::query("INSERT INTO purchases (id, basket_id, customer_id, order_id, vehicle_id, dealership_id, option_code, state, amount_minor, currency, payment_state, intent_id, command_id, query_id, starts_at, ends_at, version, created_at, updated_at, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)")
                        .bind(p.id.as_str()).bind(p.basket_id.as_str()).bind(p.customer_id.as_str()).bind(p.order_id.as_str())
                        .bind(p.vehicle_id.as_str()).bind(p.dealership_id.as_str()).bind(&p.item.option_code).bind(p.state.as_str())
                        .bind(p.item.price.minor).bind(p.item.price.currency.code()).bind(payment_state(p))
                        .bind(p.payment.intent_id.as_deref()).bind(p.command.as_ref().map(|c| c.command_id.as_str()))
                        .bind(p.query.as_ref().map(|c| c.command_id.as_str()))
                        .bind(p.period.starts_at).bind(p.period.ends_at).bind(p.version).bind(p.created_at).bind(p.updated_at).bind(to_doc(p)?)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn update_purchase(&mut self, p: &Purchase) -> StoreResult<bool> {
                    self.st.note(Invalidation::Order(p.order_id.clone()));
                    let done = sqlx::query("UPDATE purchases SET state = $2, payment_state = $3, intent_id = $4, command_id = $5, query_id = $6, starts_at = $7, ends_at = $8, version = $9, updated_at = $10, doc = $11 WHERE id = $1 AND version = $12")
                        .bind(p.id.as_str()).bind(p.state.as_str()).bind(payment_state(p)).bind(p.payment.intent_id.as_deref())
                        .bind(p.command.as_ref().map(|c| c.command_id.as_str())).bind(p.query.as_ref().map(|c| c.command_id.as_str()))
                        .bind(p.period.starts_at).bind(p.period.ends_at).bind(p.version).bind(p.updated_at).bind(to_doc(p)?).bind(p.version - 1)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn find_purchase(&mut self, id: &PurchaseId) -> StoreResult<Option<Purchase>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM purchases WHERE id = $1")
                        .bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn find_purchase_for_customer(&mut self, owner: &AccountId, id: &PurchaseId) -> StoreResult<Option<Purchase>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM purchases WHERE id = $1 AND customer_id = $2")
                        .bind(id.as_str()).bind(owner.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn find_purchase_by_command(&mut self, command_id: &str) -> StoreResult<Option<Purchase>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM purchases WHERE command_id = $1 UNION ALL SELECT doc FROM purchases WHERE query_id = $1 LIMIT 1")
                        .bind(command_id).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn list_purchases_for_vehicle(&mut self, vehicle: &VehicleId) -> StoreResult<Vec<Purchase>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM purchases WHERE vehicle_id = $1 ORDER BY created_at, id")
                        .bind(vehicle.as_str()).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn list_purchases_of_customer_vehicle(&mut self, owner: &AccountId, vehicle: &VehicleId) -> StoreResult<Vec<Purchase>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM purchases WHERE customer_id = $1 AND vehicle_id = $2 ORDER BY created_at DESC, id DESC")
                        .bind(owner.as_str()).bind(vehicle.as_str()).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn list_purchases_ending(&mut self, state: PurchaseState, before: DateTime<Utc>, limit: i64) -> StoreResult<Vec<Purchase>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM purchases WHERE state = $1 AND ends_at IS NOT NULL AND ends_at <= $2 ORDER BY ends_at, id LIMIT $3")
                        .bind(state.as_str()).bind(before).bind(limit).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }
            }
        };
    };
}
