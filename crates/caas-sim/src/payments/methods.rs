//! Saved payment methods: created from a test token or a one-time token of
//! the hosted card fields (used up), listed per customer, deleted. A saved
//! method inherits its token's behaviour.

use super::engine::Gateway;
use super::failure::Failure;
use super::model::{MethodRecord, PaymentMethod};
use super::tokens::TestToken;
use super::validate::req_str;
use crate::common::new_id;
use chrono::Utc;
use serde_json::{json, Value};

impl Gateway {
    /// `POST /v1/payment_methods`.
    pub fn create_method(&self, body: &Value) -> Result<PaymentMethod, Failure> {
        let customer = req_str(body, "customer_reference")?;
        let token_text = req_str(body, "token")?;
        let mut st = self.lock();
        let ttl = self.timing.token_ttl;
        let (card, token) = match TestToken::parse(&token_text) {
            Some(t) => (t.card(), t),
            None => st.take_card_token(&token_text, ttl).ok_or_else(|| {
                Failure::new(
                    422,
                    "token_invalid",
                    "The token is unknown, used or expired",
                )
                .with_details(json!({"field": "token"}))
            })?,
        };
        let method = PaymentMethod {
            id: new_id("pm"),
            customer_reference: customer,
            kind: "card",
            card,
            created_at: Utc::now(),
        };
        st.stats.payment_methods_created += 1;
        st.methods.insert(
            method.id.clone(),
            MethodRecord {
                method: method.clone(),
                token,
                deleted: false,
            },
        );
        Ok(method)
    }

    /// `GET /v1/payment_methods?customer_reference=`, oldest first.
    pub fn list_methods(&self, customer: &str) -> Vec<PaymentMethod> {
        let st = self.lock();
        let mut out: Vec<PaymentMethod> = st
            .methods
            .values()
            .filter(|m| !m.deleted && m.method.customer_reference == customer)
            .map(|m| m.method.clone())
            .collect();
        out.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        out
    }

    /// `DELETE /v1/payment_methods/{id}`.
    pub fn delete_method(&self, id: &str) -> Result<Value, Failure> {
        let mut st = self.lock();
        match st.methods.get_mut(id) {
            Some(m) if !m.deleted => {
                m.deleted = true;
                Ok(json!({"id": id, "deleted": true}))
            }
            _ => Err(Failure::not_found(
                "payment_method_not_found",
                "payment method",
            )),
        }
    }
}
