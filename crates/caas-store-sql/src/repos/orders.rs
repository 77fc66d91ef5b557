//! Repository ports of the sale-to-factory flow, shared by both backends.
//! Aggregates live in a JSON `doc` column; the other columns exist for
//! filters, ownership scoping and constraints. Invoked by `impl_repos!`.

/// Implements catalogue, customer, order and payment repositories for `$tx`.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_order_repos {
    ($tx:ty) => {
        const _: () = {
            use $crate::__rt::caas_domain::catalogue::{CatalogueOption, Platform};
            use $crate::__rt::caas_domain::customer::CustomerProfile;
            use $crate::__rt::caas_domain::ids::{AccountId, DealershipId, InvoiceId, OrderId, PaymentId};
            use $crate::__rt::caas_domain::order::Order;
            use $crate::__rt::caas_domain::payment::Payment;
            use $crate::__rt::caas_domain::ports::*;
            use $crate::__rt::caas_domain::records::{Invoice, OrderFile};
            use $crate::__rt::chrono::{DateTime, Utc};
            use $crate::__rt::sqlx;
            use $crate::map_err;
            use $crate::rows::{from_doc, from_docs, to_doc};
            use $crate::doc::Doc;

            #[$crate::__rt::async_trait]
            impl CatalogueRepo for $tx {
                async fn upsert_platform(&mut self, p: &Platform) -> StoreResult<()> {
                    self.st.note(Invalidation::Catalogue);
                    sqlx::query("INSERT INTO platforms (code, doc, updated_at) VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at")
                        .bind(&p.code).bind(to_doc(p)?).bind(p.updated_at)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn list_platforms(&mut self) -> StoreResult<Vec<Platform>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM platforms ORDER BY code")
                        .fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn upsert_option(&mut self, o: &CatalogueOption) -> StoreResult<()> {
                    self.st.note(Invalidation::Catalogue);
                    sqlx::query("INSERT INTO catalogue_options (code, doc, updated_at) VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at")
                        .bind(&o.code).bind(to_doc(o)?).bind(o.updated_at)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn list_options(&mut self) -> StoreResult<Vec<CatalogueOption>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM catalogue_options ORDER BY code")
                        .fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn find_option_for_update(&mut self, code: &str) -> StoreResult<Option<CatalogueOption>> {
                    let sql = format!("SELECT doc FROM catalogue_options WHERE code = $1 {}", <$tx>::ROW_LOCK);
                    let row: Option<(Doc,)> = sqlx::query_as(&sql)
                        .bind(code).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }
            }

            #[$crate::__rt::async_trait]
            impl CustomerRepo for $tx {
                async fn upsert_customer_profile(&mut self, p: &CustomerProfile) -> StoreResult<()> {
                    sqlx::query("INSERT INTO customer_profiles (account_id, doc, updated_at) VALUES ($1, $2, $3) ON CONFLICT (account_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at")
                        .bind(p.account_id.as_str()).bind(to_doc(p)?).bind(p.updated_at)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn find_customer_profile(&mut self, owner: &AccountId) -> StoreResult<Option<CustomerProfile>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM customer_profiles WHERE account_id = $1")
                        .bind(owner.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn update_dealership_details(&mut self, id: &DealershipId, address: &str, opening_hours: &str) -> StoreResult<()> {
                    sqlx::query("UPDATE dealerships SET address = $2, opening_hours = $3 WHERE id = $1")
                        .bind(id.as_str()).bind(address).bind(opening_hours)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }
            }

            #[$crate::__rt::async_trait]
            impl OrderRepo for $tx {
                async fn insert_order(&mut self, o: &Order) -> StoreResult<()> {
                    self.st.note(Invalidation::Order(o.id.clone()));
                    sqlx::query("INSERT INTO orders (id, customer_id, dealership_id, state, factory_order_id, last_factory_contact, version, created_at, updated_at, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                        .bind(o.id.as_str()).bind(o.customer_id.as_str()).bind(o.dealership_id.as_str()).bind(o.state.as_str())
                        .bind(o.factory.factory_order_id.as_deref()).bind(o.last_factory_contact).bind(o.version)
                        .bind(o.created_at).bind(o.updated_at).bind(to_doc(o)?)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn update_order(&mut self, o: &Order) -> StoreResult<bool> {
                    self.st.note(Invalidation::Order(o.id.clone()));
                    let r = sqlx::query("UPDATE orders SET state = $2, factory_order_id = $3, last_factory_contact = $4, version = $5, updated_at = $6, doc = $7 WHERE id = $1 AND version = $8")
                        .bind(o.id.as_str()).bind(o.state.as_str()).bind(o.factory.factory_order_id.as_deref())
                        .bind(o.last_factory_contact).bind(o.version).bind(o.updated_at).bind(to_doc(o)?).bind(o.version - 1)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn find_order(&mut self, id: &OrderId) -> StoreResult<Option<Order>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM orders WHERE id = $1")
                        .bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn find_order_file(&mut self, id: &OrderId) -> StoreResult<Option<OrderFile>> {
                    let rows: Vec<(i64, i64, Doc)> = sqlx::query_as($crate::rows::ORDER_FILE_SQL)
                        .bind(id.as_str()).bind(None::<&str>).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    $crate::rows::order_file(rows)
                }

                async fn find_order_file_for_customer(&mut self, owner: &AccountId, id: &OrderId) -> StoreResult<Option<OrderFile>> {
                    let rows: Vec<(i64, i64, Doc)> = sqlx::query_as($crate::rows::ORDER_FILE_SQL)
                        .bind(id.as_str()).bind(Some(owner.as_str())).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    $crate::rows::order_file(rows)
                }

                async fn find_order_for_customer(&mut self, owner: &AccountId, id: &OrderId) -> StoreResult<Option<Order>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM orders WHERE customer_id = $1 AND id = $2")
                        .bind(owner.as_str()).bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn list_orders_for_customer(&mut self, owner: &AccountId) -> StoreResult<Vec<Order>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM orders WHERE customer_id = $1 ORDER BY created_at DESC, id DESC")
                        .bind(owner.as_str()).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn list_orders(&mut self, dealership: Option<&DealershipId>, limit: i64) -> StoreResult<Vec<Order>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM orders WHERE ($1 IS NULL OR dealership_id = $1) ORDER BY created_at DESC, id DESC LIMIT $2")
                        .bind(dealership.map(|d| d.as_str())).bind(limit).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn list_silent_orders(&mut self, before: DateTime<Utc>) -> StoreResult<Vec<Order>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM orders WHERE state IN ('ORDERED', 'IN_PRODUCTION', 'IN_TRANSIT_TO_DEALERSHIP') AND last_factory_contact < $1 ORDER BY last_factory_contact")
                        .bind(before).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }
            }

            #[$crate::__rt::async_trait]
            impl PaymentRepo for $tx {
                async fn insert_payment(&mut self, p: &Payment) -> StoreResult<()> {
                    self.st.note(Invalidation::Order(p.order_id.clone()));
                    // The dealership is the order's; no row inserted means no such order.
                    let r = sqlx::query("INSERT INTO payments (id, order_id, customer_id, kind, state, idempotency_key, intent_id, created_at, updated_at, doc, version, amount_minor, currency, dealership_id) \
                                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, o.dealership_id FROM orders AS o WHERE o.id = $2")
                        .bind(p.id.as_str()).bind(p.order_id.as_str()).bind(p.customer_id.as_str()).bind(p.kind.as_str())
                        .bind(p.state.as_str()).bind(&p.idempotency_key).bind(p.intent_id.as_deref())
                        .bind(p.created_at).bind(p.updated_at).bind(to_doc(p)?)
                        .bind(p.version).bind(p.amount.minor).bind(p.amount.currency.code())
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    if r.rows_affected() == 0 {
                        return Err(StoreError::Conflict(format!("payment of unknown order {}", p.order_id)));
                    }
                    Ok(())
                }

                async fn update_payment(&mut self, p: &Payment) -> StoreResult<bool> {
                    self.st.note(Invalidation::Order(p.order_id.clone()));
                    let r = sqlx::query("UPDATE payments SET state = $2, intent_id = $3, updated_at = $4, doc = $5, version = $6 WHERE id = $1 AND version = $7")
                        .bind(p.id.as_str()).bind(p.state.as_str()).bind(p.intent_id.as_deref()).bind(p.updated_at).bind(to_doc(p)?)
                        .bind(p.version).bind(p.version - 1)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn find_payment_for_update(&mut self, id: &PaymentId) -> StoreResult<Option<Payment>> {
                    let sql = format!("SELECT doc FROM payments WHERE id = $1 {}", <$tx>::ROW_LOCK);
                    let row: Option<(Doc,)> = sqlx::query_as(&sql)
                        .bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn find_payment(&mut self, id: &PaymentId) -> StoreResult<Option<Payment>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM payments WHERE id = $1")
                        .bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn find_payment_by_key(&mut self, key: &str) -> StoreResult<Option<Payment>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM payments WHERE idempotency_key = $1")
                        .bind(key).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn find_payment_by_intent(&mut self, intent: &str) -> StoreResult<Option<Payment>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM payments WHERE intent_id = $1")
                        .bind(intent).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn list_payments_for_order(&mut self, order: &OrderId) -> StoreResult<Vec<Payment>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM payments WHERE order_id = $1 ORDER BY created_at, id")
                        .bind(order.as_str()).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn next_counter(&mut self, name: &str) -> StoreResult<i64> {
                    let (v,): (i64,) = sqlx::query_as("INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value")
                        .bind(name).fetch_one(&mut *self.tx).await.map_err(map_err)?;
                    Ok(v)
                }

                async fn insert_invoice(&mut self, i: &Invoice, pdf: &[u8]) -> StoreResult<()> {
                    self.st.note(Invalidation::Order(i.order_id.clone()));
                    sqlx::query("INSERT INTO invoices (id, number, order_id, customer_id, payment_id, issued_at, doc, pdf, amount_minor, currency) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                        .bind(i.id.as_str()).bind(&i.number).bind(i.order_id.as_str()).bind(i.customer_id.as_str())
                        .bind(i.payment_id.as_str()).bind(i.issued_at).bind(to_doc(i)?).bind(pdf)
                        .bind(i.total.minor).bind(i.total.currency.code())
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn list_invoices_for_order(&mut self, order: &OrderId) -> StoreResult<Vec<Invoice>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM invoices WHERE order_id = $1 ORDER BY issued_at, id")
                        .bind(order.as_str()).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn find_invoice_pdf_for_customer(&mut self, owner: &AccountId, id: &InvoiceId) -> StoreResult<Option<(Invoice, Vec<u8>)>> {
                    let row: Option<(Doc, Vec<u8>)> = sqlx::query_as("SELECT doc, pdf FROM invoices WHERE customer_id = $1 AND id = $2")
                        .bind(owner.as_str()).bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d, pdf)| Ok((from_doc(&d)?, pdf))).transpose()
                }

                async fn find_invoice_pdf(&mut self, id: &InvoiceId) -> StoreResult<Option<(Invoice, Vec<u8>)>> {
                    let row: Option<(Doc, Vec<u8>)> = sqlx::query_as("SELECT doc, pdf FROM invoices WHERE id = $1")
                        .bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d, pdf)| Ok((from_doc(&d)?, pdf))).transpose()
                }
            }
        };
    };
}
