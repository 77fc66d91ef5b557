//! Saved payment methods on the wire (`POST/GET /v1/payment_methods`,
//! `DELETE /v1/payment_methods/{id}`) and their domain view, [`SavedCard`].

use caas_domain::partners::SavedCard;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Body of `POST /v1/payment_methods`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatePaymentMethod {
    /// Our customer id.
    pub customer_reference: String,
    /// The one-time `tok_…` of the hosted card fields (or a test token).
    pub token: String,
}

/// `card` of a PaymentMethod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodCard {
    /// `visa`, `mastercard`, …
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// 1–12.
    pub exp_month: u32,
    /// Four digits.
    pub exp_year: u32,
    /// Issuing country, when given.
    #[serde(default)]
    pub country: Option<String>,
}

/// The gateway's PaymentMethod (fields the platform uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethod {
    /// `pm_…`.
    pub id: String,
    /// Owner.
    pub customer_reference: String,
    /// The card it stands for.
    pub card: PaymentMethodCard,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

impl PaymentMethod {
    /// The domain's view of this payment method.
    pub fn saved_card(&self) -> SavedCard {
        SavedCard {
            id: self.id.clone(),
            brand: self.card.brand.clone(),
            last4: self.card.last4.clone(),
            exp_month: self.card.exp_month,
            exp_year: self.card.exp_year,
            created_at: self.created_at,
        }
    }
}

/// `{"data": [PaymentMethod]}` of `GET /v1/payment_methods`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodList {
    /// The customer's methods.
    pub data: Vec<PaymentMethod>,
}

/// `{"id", "deleted"}` of `DELETE /v1/payment_methods/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedPaymentMethod {
    /// `pm_…`.
    pub id: String,
    /// Always `true`.
    pub deleted: bool,
}
