//! The one money shape of the API: integer minor units, the ISO 4217 code,
//! and the amount written out for display.

use caas_domain::money::Money;
use serde::Serialize;
use utoipa::ToSchema;

/// An amount of money (every amount in the API has this shape).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MoneyOut {
    /// Amount in minor units (cents): `290000` is 2 900,00.
    #[schema(example = 290000)]
    pub minor: i64,
    /// ISO 4217 currency code.
    #[schema(example = "EUR")]
    pub currency: String,
    /// The amount for display, decimal point and code (`2900.00 EUR`).
    #[schema(example = "2900.00 EUR")]
    pub formatted: String,
}

impl From<Money> for MoneyOut {
    fn from(m: Money) -> Self {
        Self {
            minor: m.minor,
            currency: m.currency.code().to_owned(),
            formatted: m.to_string(),
        }
    }
}
