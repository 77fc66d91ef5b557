//! One-time card tokens (`POST /v1/tokens`, used by the hosted card fields
//! and by native apps): the card is checked (Luhn, expiry not past, CVC 3–4
//! digits), mapped to a test-token row by its last four digits (any other
//! valid number behaves as `tok_test_ok`) and kept without its number or
//! CVC. A token is single-use and lapses after the configured lifetime.

use super::engine::{to_value, Gateway};
use super::failure::Failure;
use super::model::{CardToken, State};
use super::tokens::{Card, TestToken};
use crate::common::new_id;
use chrono::Datelike;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// How many years ahead an expiry date may lie.
const MAX_YEARS_AHEAD: i64 = 20;

/// True when `digits` (12–19 ASCII digits) passes the Luhn check.
pub fn luhn_valid(digits: &str) -> bool {
    if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match (!i.is_multiple_of(2), d * 2) {
                (true, x) if x > 9 => x - 9,
                (true, x) => x,
                (false, _) => d,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The card brand of a number, from its leading digits.
pub fn brand_of(digits: &str) -> &'static str {
    let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
    match (prefix(1), prefix(2), prefix(4)) {
        (Some(4), _, _) => "visa",
        (_, Some(51..=55), _) | (_, _, Some(2221..=2720)) => "mastercard",
        (_, Some(34 | 37), _) => "amex",
        _ => "unknown",
    }
}

fn card_error(code: &'static str, field: &str, message: &str) -> Failure {
    Failure::new(422, code, message).with_details(json!({ "field": field }))
}

/// Checks the card fields of a token request: the digits of the number and
/// the expiry (two-digit years are 20xx), against today's `(year, month)`.
fn check_card(body: &Value, today: (i64, i64)) -> Result<(String, i64, i64), Failure> {
    let number: String = body
        .get("number")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if !luhn_valid(&number) {
        return Err(card_error(
            "card_number_invalid",
            "number",
            "The card number is not valid",
        ));
    }
    let int = |f: &str| body.get(f).and_then(Value::as_i64);
    let expiry = match (int("exp_month"), int("exp_year")) {
        (Some(m), Some(y)) if (1..=12).contains(&m) && (0..100).contains(&y) => Some((m, y + 2000)),
        (Some(m), Some(y)) if (1..=12).contains(&m) && y >= 1000 => Some((m, y)),
        _ => None,
    };
    let in_range = |(m, y): (i64, i64)| (y, m) >= today && y <= today.0 + MAX_YEARS_AHEAD;
    let Some((month, year)) = expiry.filter(|e| in_range(*e)) else {
        return Err(card_error(
            "expiry_invalid",
            "exp_month",
            "The expiry date is not valid or has passed",
        ));
    };
    let cvc = body.get("cvc").and_then(Value::as_str).unwrap_or_default();
    if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(card_error(
            "cvc_invalid",
            "cvc",
            "The CVC must have 3 or 4 digits",
        ));
    }
    Ok((number, month, year))
}

impl Gateway {
    /// `POST /v1/tokens`: `{"id": "tok_…", "card": {…}}`.
    pub fn create_card_token(&self, body: &Value) -> Result<Value, Failure> {
        let now = chrono::Utc::now();
        let today = (i64::from(now.year()), i64::from(now.month()));
        let (number, month, year) = check_card(body, today)?;
        let last4 = number[number.len() - 4..].to_owned();
        let behaves_as = TestToken::by_last4(&last4).unwrap_or(TestToken::Ok);
        let card = Card {
            brand: brand_of(&number),
            last4,
            exp_month: u32::try_from(month).unwrap_or(12),
            exp_year: i32::try_from(year).unwrap_or(2034),
            country: "ES",
        };
        let id = new_id("tok");
        let mut st = self.lock();
        st.stats.card_tokens_created += 1;
        st.card_tokens.insert(
            id.clone(),
            CardToken {
                card: card.clone(),
                behaves_as,
                created: Instant::now(),
                used: false,
            },
        );
        Ok(json!({"id": id, "card": to_value(&card)}))
    }
}

impl State {
    /// Uses up the one-time token `id`: its card and behaviour, or `None`
    /// when unknown, already used or older than `ttl`.
    pub fn take_card_token(&mut self, id: &str, ttl: Duration) -> Option<(Card, TestToken)> {
        let token = self.card_tokens.get_mut(id)?;
        if token.used || token.created.elapsed() >= ttl {
            return None;
        }
        token.used = true;
        Some((token.card.clone(), token.behaves_as))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_the_test_visa_and_refuses_a_changed_digit() {
        assert!(luhn_valid("4242424242424242"));
        assert!(luhn_valid("5555555555554444"));
        assert!(!luhn_valid("4242424242424241"));
        assert!(!luhn_valid("42424242"));
        assert!(!luhn_valid("4242a24242424242"));
    }

    #[test]
    fn brands_follow_the_leading_digits() {
        assert_eq!(brand_of("4242424242424242"), "visa");
        assert_eq!(brand_of("5555555555554444"), "mastercard");
        assert_eq!(brand_of("2223003122003222"), "mastercard");
        assert_eq!(brand_of("378282246310005"), "amex");
        assert_eq!(brand_of("6011111111111117"), "unknown");
    }

    #[test]
    fn an_expiry_in_the_current_month_is_valid_and_last_month_is_not() {
        let card = |m: i64, y: i64| json!({"number": "4242424242424242", "exp_month": m, "exp_year": y, "cvc": "123"});
        assert!(check_card(&card(3, 2026), (2026, 3)).is_ok());
        assert!(check_card(&card(3, 26), (2026, 3)).is_ok());
        let past = check_card(&card(2, 2026), (2026, 3)).unwrap_err();
        assert_eq!(past.code, "expiry_invalid");
        assert_eq!(
            check_card(&card(13, 2027), (2026, 3)).unwrap_err().code,
            "expiry_invalid"
        );
        let mut short = card(3, 2027);
        short["cvc"] = json!("12");
        assert_eq!(
            check_card(&short, (2026, 3)).unwrap_err().code,
            "cvc_invalid"
        );
    }
}
