//! Service-invoice repository shared by both backends: the row takes its
//! order and customer from the purchase it invoices, in the INSERT itself,
//! and lands only while that purchase is `CAPTURED` for the same amount
//! (PAY-15); the unique purchase column makes a second invoice of one
//! purchase a conflict. Customer reads take the owner. Invoked by
//! `impl_repos!`.

/// Implements the service-invoice repository for `$tx`.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_service_invoice_repos {
    ($tx:ty) => {
        const _: () = {
            use $crate::__rt::caas_domain::ids::{AccountId, OrderId, PurchaseId};
            use $crate::__rt::caas_domain::ports::*;
            use $crate::__rt::caas_domain::records::ServiceInvoice;
            use $crate::__rt::sqlx;
            use $crate::doc::Doc;
            use $crate::map_err;
            use $crate::rows::{from_doc, from_docs, to_doc};

            #[$crate::__rt::async_trait]
            impl ServiceInvoiceRepo for $tx {
                async fn insert_service_invoice(&mut self, i: &ServiceInvoice, pdf: &[u8]) -> StoreResult<()> {
                    self.st.note(Invalidation::Order(i.order_id.clone()));
                    let sql = "INSERT INTO service_invoices (id, number, purchase_id, order_id, customer_id, amount_minor, currency, issued_at, doc, pdf) \
                         SELECT $1, $2, p.id, p.order_id, p.customer_id, p.amount_minor, p.currency, $8, $9, $10 FROM purchases AS p \
                         WHERE p.id = $3 AND p.payment_state = 'CAPTURED' AND p.order_id = $4 AND p.customer_id = $5 \
                           AND p.amount_minor = $6 AND p.currency = $7";
                    let done = sqlx::query(sql)
                        .bind(i.id.as_str()).bind(&i.number).bind(i.purchase_id.as_str()).bind(i.order_id.as_str())
                        .bind(i.customer_id.as_str()).bind(i.total.minor).bind(i.total.currency.code())
                        .bind(i.issued_at).bind(to_doc(i)?).bind(pdf)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::Conflict(format!(
                            "purchase {} is not captured for {}: no invoice",
                            i.purchase_id, i.total
                        )));
                    }
                    Ok(())
                }

                async fn list_service_invoices_for_customer(&mut self, owner: &AccountId, order: &OrderId) -> StoreResult<Vec<ServiceInvoice>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM service_invoices WHERE customer_id = $1 AND order_id = $2 ORDER BY issued_at, id")
                        .bind(owner.as_str()).bind(order.as_str()).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn find_service_invoice_pdf_for_customer(&mut self, owner: &AccountId, purchase: &PurchaseId) -> StoreResult<Option<(ServiceInvoice, Vec<u8>)>> {
                    let row: Option<(Doc, Vec<u8>)> = sqlx::query_as("SELECT doc, pdf FROM service_invoices WHERE customer_id = $1 AND purchase_id = $2")
                        .bind(owner.as_str()).bind(purchase.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d, pdf)| Ok((from_doc(&d)?, pdf))).transpose()
                }
            }
        };
    };
}
