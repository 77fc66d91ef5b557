//! Money: an integer amount in minor units plus an ISO 4217 currency. Never floats.

use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency the platform operates in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    /// Euro.
    EUR,
    /// Pound sterling.
    GBP,
    /// Swiss franc.
    CHF,
    /// Polish złoty.
    PLN,
    /// Swedish krona.
    SEK,
    /// Danish krone.
    DKK,
}

impl Currency {
    /// Parses an upper-case ISO 4217 code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        Ok(match code {
            "EUR" => Self::EUR,
            "GBP" => Self::GBP,
            "CHF" => Self::CHF,
            "PLN" => Self::PLN,
            "SEK" => Self::SEK,
            "DKK" => Self::DKK,
            _ => {
                return Err(DomainError::invalid(
                    "currency",
                    format!("unsupported currency {code:?}"),
                ))
            }
        })
    }

    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::EUR => "EUR",
            Self::GBP => "GBP",
            Self::CHF => "CHF",
            Self::PLN => "PLN",
            Self::SEK => "SEK",
            Self::DKK => "DKK",
        }
    }

    /// Number of minor-unit digits (all supported currencies use 2).
    pub fn exponent(self) -> u32 {
        2
    }
}

/// An amount of money in minor units of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Amount in minor units (cents).
    pub minor: i64,
    /// Currency of the amount.
    pub currency: Currency,
}

impl Money {
    /// Builds an amount; negative amounts are refused.
    pub fn new(minor: i64, currency: Currency) -> Result<Self, DomainError> {
        if minor < 0 {
            return Err(DomainError::invalid("amount", "must not be negative"));
        }
        Ok(Self { minor, currency })
    }

    /// Parses a decimal text such as `41500.00` or `41500,5` into minor units.
    pub fn parse(text: &str, currency: Currency) -> Result<Self, DomainError> {
        let t = text.trim().replace(',', ".");
        let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
        let digits = currency.exponent() as usize;
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > digits
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(DomainError::invalid(
                "amount",
                format!("not an amount: {text:?}"),
            ));
        }
        let whole: i64 = whole
            .parse()
            .map_err(|_| DomainError::invalid("amount", "amount too large"))?;
        let frac_val: i64 = format!("{frac:0<digits$}").parse().unwrap_or(0);
        let minor = whole
            .checked_mul(10_i64.pow(currency.exponent()))
            .and_then(|m| m.checked_add(frac_val))
            .ok_or_else(|| DomainError::invalid("amount", "amount too large"))?;
        Self::new(minor, currency)
    }

    /// Adds two amounts of the same currency.
    pub fn checked_add(self, other: Money) -> Result<Money, DomainError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or_else(|| DomainError::invalid("amount", "overflow"))?;
        Ok(Money { minor, ..self })
    }

    /// Subtracts an amount of the same currency; the result may not be negative.
    pub fn checked_sub(self, other: Money) -> Result<Money, DomainError> {
        self.same_currency(other)?;
        Money::new(self.minor - other.minor, self.currency)
    }

    fn same_currency(self, other: Money) -> Result<(), DomainError> {
        if self.currency != other.currency {
            return Err(DomainError::invalid("currency", "currencies differ"));
        }
        Ok(())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = 10_i64.pow(self.currency.exponent());
        write!(
            f,
            "{}.{:02} {}",
            self.minor / scale,
            self.minor % scale,
            self.currency.code()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text_becomes_minor_units() {
        let m = Money::parse("41500.5", Currency::EUR).unwrap();
        assert_eq!(m.minor, 4_150_050);
        assert_eq!(Money::parse("12,34", Currency::EUR).unwrap().minor, 1234);
        assert_eq!(m.to_string(), "41500.50 EUR");
    }

    #[test]
    fn bad_amounts_are_refused() {
        for bad in ["", "abc", "1.234", "-5", "1.2.3", "99999999999999999999"] {
            assert!(Money::parse(bad, Currency::EUR).is_err(), "{bad}");
        }
    }

    #[test]
    fn arithmetic_refuses_mixed_currencies_and_negative_results() {
        let a = Money::new(100, Currency::EUR).unwrap();
        let b = Money::new(50, Currency::GBP).unwrap();
        assert!(a.checked_add(b).is_err());
        let c = Money::new(150, Currency::EUR).unwrap();
        assert!(a.checked_sub(c).is_err());
        assert_eq!(c.checked_sub(a).unwrap().minor, 50);
    }

    #[test]
    fn currency_codes_round_trip() {
        assert_eq!(Currency::parse("EUR").unwrap().code(), "EUR");
        assert!(Currency::parse("eur").is_err());
    }
}
