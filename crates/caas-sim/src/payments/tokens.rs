//! The deterministic test tokens of `payment-gateway.md`: which card each one
//! stands for and how a payment made with it behaves.

use serde::Serialize;

/// One of the contract's test tokens (`tok_test_…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TestToken {
    /// `tok_test_ok`: authorizes, captures, settles.
    Ok,
    /// `tok_test_decline_insufficient_funds`: `402 card_declined`.
    DeclineInsufficientFunds,
    /// `tok_test_decline_expired`: `402 card_declined` (`expired_card`).
    DeclineExpired,
    /// `tok_test_settlement_fails`: captured, then `settlement_failed`.
    SettlementFails,
    /// `tok_test_chargeback`: settled, then `chargeback`.
    Chargeback,
    /// `tok_test_delayed`: confirm answers `processing`.
    Delayed,
    /// `tok_test_timeout_once`: the first confirm executes but never answers.
    TimeoutOnce,
    /// `tok_test_refund_fails`: every refund ends in `refund.failed`.
    RefundFails,
    /// `tok_test_auth_expires`: manual authorizations lapse.
    AuthExpires,
}

/// Card details shown on a saved payment method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Card {
    /// `visa`, `mastercard`.
    pub brand: &'static str,
    /// Last four digits.
    pub last4: String,
    /// 1–12.
    pub exp_month: u32,
    /// Four digits.
    pub exp_year: i32,
    /// Issuing country (ISO 3166-1 alpha-2).
    pub country: &'static str,
}

impl TestToken {
    /// Every token, in contract order.
    pub const ALL: [TestToken; 9] = [
        Self::Ok,
        Self::DeclineInsufficientFunds,
        Self::DeclineExpired,
        Self::SettlementFails,
        Self::Chargeback,
        Self::Delayed,
        Self::TimeoutOnce,
        Self::RefundFails,
        Self::AuthExpires,
    ];

    /// The token text, e.g. `tok_test_ok`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "tok_test_ok",
            Self::DeclineInsufficientFunds => "tok_test_decline_insufficient_funds",
            Self::DeclineExpired => "tok_test_decline_expired",
            Self::SettlementFails => "tok_test_settlement_fails",
            Self::Chargeback => "tok_test_chargeback",
            Self::Delayed => "tok_test_delayed",
            Self::TimeoutOnce => "tok_test_timeout_once",
            Self::RefundFails => "tok_test_refund_fails",
            Self::AuthExpires => "tok_test_auth_expires",
        }
    }

    /// Parses a token text; `None` for anything that is not a test token.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The card the token stands for.
    pub fn card(self) -> Card {
        let (brand, last4) = match self {
            Self::Ok => ("visa", "4242"),
            Self::DeclineInsufficientFunds => ("visa", "9995"),
            Self::DeclineExpired => ("mastercard", "0069"),
            Self::SettlementFails => ("visa", "0341"),
            Self::Chargeback => ("visa", "0259"),
            Self::Delayed => ("visa", "3184"),
            Self::TimeoutOnce => ("visa", "1629"),
            Self::RefundFails => ("visa", "5556"),
            Self::AuthExpires => ("visa", "6205"),
        };
        Card {
            brand,
            last4: last4.to_owned(),
            exp_month: 12,
            exp_year: 2034,
            country: "ES",
        }
    }

    /// The test token whose card ends in `last4`, if any (test-card numbers).
    pub fn by_last4(last4: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.card().last4 == last4)
    }

    /// The decline code a confirm with this token ends in, if it declines.
    pub fn decline_code(self) -> Option<&'static str> {
        match self {
            Self::DeclineInsufficientFunds => Some("insufficient_funds"),
            Self::DeclineExpired => Some("expired_card"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_token_parses_back_from_its_text() {
        for t in TestToken::ALL {
            assert_eq!(TestToken::parse(t.as_str()), Some(t));
        }
        assert_eq!(TestToken::parse("tok_test_unknown"), None);
    }

    #[test]
    fn only_the_two_decline_tokens_decline() {
        let declining: Vec<_> = TestToken::ALL
            .into_iter()
            .filter(|t| t.decline_code().is_some())
            .collect();
        assert_eq!(
            declining,
            vec![
                TestToken::DeclineInsufficientFunds,
                TestToken::DeclineExpired
            ]
        );
        assert_eq!(TestToken::DeclineExpired.card().brand, "mastercard");
    }
}
