//! Refund repository shared by both backends: a refund row takes its order,
//! customer, dealership and currency from the payment it refunds, in the
//! INSERT itself, and only while the payment is captured and the amount fits
//! in what is not yet refunded; the payment row is locked first (PostgreSQL
//! `FOR UPDATE`), so two refunds of one payment cannot both pass. Invoked by
//! `impl_repos!`.

/// Implements the refund repository for `$tx`.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_refund_repos {
    ($tx:ty) => {
        const _: () = {
            use $crate::__rt::caas_domain::ids::OrderId;
            use $crate::__rt::caas_domain::ports::*;
            use $crate::__rt::caas_domain::records::Refund;
            use $crate::__rt::sqlx;
            use $crate::doc::Doc;
            use $crate::map_err;
            use $crate::rows::{from_doc, from_docs, to_doc};

            #[$crate::__rt::async_trait]
            impl RefundRepo for $tx {
                async fn insert_refund(&mut self, r: &Refund) -> StoreResult<()> {
                    self.st.note(Invalidation::Order(r.order_id.clone()));
                    // Lock the payment first, in its own statement: under READ
                    // COMMITTED the INSERT below then reads a snapshot taken after
                    // any concurrent refund of it committed (a lock taken inside the
                    // INSERT would re-check the payment row but not the sum).
                    let lock = format!("SELECT id FROM payments WHERE id = $1 {}", <$tx>::ROW_LOCK);
                    sqlx::query(&lock).bind(r.payment_id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    let sql = "INSERT INTO refunds (id, payment_id, order_id, customer_id, dealership_id, amount_minor, currency, state, idempotency_key, gateway_refund_id, version, created_at, updated_at, doc) \
                         SELECT $1, p.id, p.order_id, p.customer_id, p.dealership_id, $3, p.currency, $5, $6, $7, $8, $9, $9, $10 FROM payments AS p \
                         WHERE p.id = $2 AND p.state IN ('CAPTURED', 'SETTLED') AND p.currency = $4 \
                           AND $3 <= p.amount_minor - COALESCE((SELECT SUM(x.amount_minor) FROM refunds AS x WHERE x.payment_id = p.id AND x.state <> 'FAILED'), 0)";
                    let done = sqlx::query(sql)
                        .bind(r.id.as_str()).bind(r.payment_id.as_str()).bind(r.amount.minor).bind(r.amount.currency.code())
                        .bind(r.state.as_str()).bind(&r.idempotency_key).bind(r.gateway_refund_id.as_deref())
                        .bind(r.version).bind(r.created_at).bind(to_doc(r)?)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::Conflict(format!(
                            "payment {} has no captured {} left to refund",
                            r.payment_id, r.amount
                        )));
                    }
                    Ok(())
                }

                async fn update_refund(&mut self, r: &Refund) -> StoreResult<bool> {
                    self.st.note(Invalidation::Order(r.order_id.clone()));
                    let done = sqlx::query("UPDATE refunds SET state = $2, gateway_refund_id = $3, version = $4, updated_at = $5, doc = $6 WHERE id = $1 AND version = $7")
                        .bind(r.id.as_str()).bind(r.state.as_str()).bind(r.gateway_refund_id.as_deref())
                        .bind(r.version).bind(r.updated_at).bind(to_doc(r)?).bind(r.version - 1)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn find_refund_by_key(&mut self, key: &str) -> StoreResult<Option<Refund>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM refunds WHERE idempotency_key = $1")
                        .bind(key).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn list_refunds_for_order(&mut self, order: &OrderId) -> StoreResult<Vec<Refund>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM refunds WHERE order_id = $1 ORDER BY created_at, id")
                        .bind(order.as_str()).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }
            }
        };
    };
}
