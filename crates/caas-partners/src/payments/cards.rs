//! Saved cards through the gateway client: a one-time token of the hosted
//! card fields becomes a `pm_…` of one customer; listed and deleted. The
//! platform never sees card data, only the card's brand, last four digits
//! and expiry.

use super::wire::{CreatePaymentMethod, DeletedPaymentMethod, PaymentMethod, PaymentMethodList};
use super::PaymentsClient;
use caas_domain::partners::{CallError, PaymentCallError, SavedCard};
use reqwest::Method;

impl PaymentsClient {
    /// `POST /v1/payment_methods`: `422` (`token_invalid`) is
    /// [`PaymentCallError::Invalid`].
    #[tracing::instrument(skip_all, fields(
        partner = "payments",
        customer_reference = %customer_reference,
        idempotency_key = %key,
    ))]
    pub(super) async fn create_method(
        &self,
        customer_reference: &str,
        token: &str,
        key: &str,
    ) -> Result<SavedCard, PaymentCallError> {
        let body = CreatePaymentMethod {
            customer_reference: customer_reference.to_owned(),
            token: token.to_owned(),
        };
        let url = self.http.url(&["v1", "payment_methods"], &[]);
        let reply = self
            .http
            .send(Method::POST, url, Some(key), Some(&body))
            .await?;
        if reply.is_success() {
            let method: PaymentMethod = reply.json()?;
            tracing::info!(payment_method = %method.id, "card saved");
            return Ok(method.saved_card());
        }
        if reply.status == 422 {
            let error = reply.error();
            return Err(PaymentCallError::Invalid {
                code: error.code,
                message: error.message,
            });
        }
        Err(reply.into_call_error().into())
    }

    /// `GET /v1/payment_methods?customer_reference=`.
    #[tracing::instrument(skip_all, fields(partner = "payments", customer_reference = %customer_reference))]
    pub(super) async fn list_methods(
        &self,
        customer_reference: &str,
    ) -> Result<Vec<SavedCard>, CallError> {
        let url = self.http.url(
            &["v1", "payment_methods"],
            &[("customer_reference", customer_reference)],
        );
        let reply = self.http.send::<()>(Method::GET, url, None, None).await?;
        if !reply.is_success() {
            return Err(reply.into_call_error());
        }
        let list: PaymentMethodList = reply.json()?;
        Ok(list.data.iter().map(PaymentMethod::saved_card).collect())
    }

    /// `DELETE /v1/payment_methods/{id}`; `false` on 404.
    #[tracing::instrument(skip_all, fields(partner = "payments", payment_method = %id))]
    pub(super) async fn delete_method(&self, id: &str) -> Result<bool, CallError> {
        let url = self.http.url(&["v1", "payment_methods", id], &[]);
        let reply = self
            .http
            .send::<()>(Method::DELETE, url, None, None)
            .await?;
        match reply.status {
            404 => Ok(false),
            _ if reply.is_success() => reply.json::<DeletedPaymentMethod>().map(|d| d.deleted),
            _ => Err(reply.into_call_error()),
        }
    }
}
