//! Standard Webhooks (v1, symmetric): signing for senders (the simulators)
//! and verification for the platform's receivers (`shared/contracts/README.md` §5).
//! Verification runs on the raw body bytes, before any parsing.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use thiserror::Error;

type HmacSha256 = Hmac<Sha256>;

/// Accepted clock difference between sender and receiver.
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// A `whsec_…` signing secret, decoded.
#[derive(Clone)]
pub struct WebhookSecret {
    key: Vec<u8>,
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(**redacted**)")
    }
}

/// Why a webhook was refused (every variant maps to 401).
#[derive(Debug, Error, PartialEq, Eq)]
pub enum WebhookError {
    /// The secret is not `whsec_` + base64.
    #[error("malformed webhook secret")]
    BadSecret,
    /// One of the three headers is missing or empty.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// `webhook-timestamp` is not an integer.
    #[error("malformed webhook-timestamp")]
    BadTimestamp,
    /// Timestamp outside the tolerance.
    #[error("webhook-timestamp outside the {TOLERANCE_SECS} s tolerance")]
    Stale,
    /// No `v1,` entry matches.
    #[error("no matching signature")]
    BadSignature,
}

impl WebhookSecret {
    /// Parses `whsec_<base64>`.
    pub fn parse(s: &str) -> Result<Self, WebhookError> {
        let b64 = s
            .trim()
            .strip_prefix("whsec_")
            .ok_or(WebhookError::BadSecret)?;
        let key = STANDARD.decode(b64).map_err(|_| WebhookError::BadSecret)?;
        if key.is_empty() {
            return Err(WebhookError::BadSecret);
        }
        Ok(Self { key })
    }

    /// A fresh random secret (32 bytes), as `whsec_…` text.
    pub fn generate() -> String {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        format!("whsec_{}", STANDARD.encode(bytes))
    }

    fn mac(&self, id: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = match HmacSha256::new_from_slice(&self.key) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC takes any key length"),
        };
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }

    /// The `v1,<base64>` signature entry for one attempt.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = self.mac(id, timestamp, body).finalize().into_bytes();
        format!("v1,{}", STANDARD.encode(tag))
    }

    /// Verifies the three headers against the raw body at `now` (Unix seconds).
    /// Pass `None` as `now` to skip the tolerance check (test vectors only).
    pub fn verify(
        &self,
        id: Option<&str>,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now: Option<i64>,
    ) -> Result<(), WebhookError> {
        let id = non_empty(id).ok_or(WebhookError::MissingHeader("webhook-id"))?;
        let ts = non_empty(timestamp).ok_or(WebhookError::MissingHeader("webhook-timestamp"))?;
        let sig = non_empty(signature).ok_or(WebhookError::MissingHeader("webhook-signature"))?;
        let ts: i64 = ts.trim().parse().map_err(|_| WebhookError::BadTimestamp)?;
        if let Some(now) = now {
            if (now - ts).abs() > TOLERANCE_SECS {
                return Err(WebhookError::Stale);
            }
        }
        for entry in sig.split_whitespace() {
            let Some(b64) = entry.strip_prefix("v1,") else {
                continue;
            };
            let Ok(given) = STANDARD.decode(b64) else {
                continue;
            };
            // verify_slice compares in constant time.
            if self.mac(id, ts, body).verify_slice(&given).is_ok() {
                return Ok(());
            }
        }
        Err(WebhookError::BadSignature)
    }
}

fn non_empty(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "evt_01JH3Q8X7R0000000000000001";
    const TS: i64 = 1768469405;
    const BODY: &str = r#"{"id":"evt_01JH3Q8X7R0000000000000001","type":"order.accepted","occurred_at":"2026-01-15T09:30:00Z","data":{"factory_order_id":"fo_7KD2M9","order_reference":"ord_2026_000123","sequence":1,"status":"accepted","vin":null,"estimated_completion_date":"2026-04-20"}}"#;
    const EXPECTED: &str = "v1,I1qRwVtiAlLXonS9APQV03adwXcHuB1PbqE2pGlyoFo=";

    #[test]
    fn the_contract_test_vector_signs_and_verifies() {
        let s = WebhookSecret::parse(SECRET).unwrap();
        assert_eq!(s.sign(ID, TS, BODY.as_bytes()), EXPECTED);
        let ts = TS.to_string();
        s.verify(Some(ID), Some(&ts), Some(EXPECTED), BODY.as_bytes(), None)
            .unwrap();
    }

    #[test]
    fn a_stale_timestamp_is_refused_even_when_signed() {
        let s = WebhookSecret::parse(SECRET).unwrap();
        let ts = TS.to_string();
        let err = s
            .verify(
                Some(ID),
                Some(&ts),
                Some(EXPECTED),
                BODY.as_bytes(),
                Some(TS + 301),
            )
            .unwrap_err();
        assert_eq!(err, WebhookError::Stale);
        s.verify(
            Some(ID),
            Some(&ts),
            Some(EXPECTED),
            BODY.as_bytes(),
            Some(TS + 299),
        )
        .unwrap();
    }

    #[test]
    fn a_changed_byte_or_a_foreign_entry_fails_and_rotation_lists_pass() {
        let s = WebhookSecret::parse(SECRET).unwrap();
        let ts = TS.to_string();
        let tampered = BODY.replace("accepted", "cancelled");
        assert_eq!(
            s.verify(
                Some(ID),
                Some(&ts),
                Some(EXPECTED),
                tampered.as_bytes(),
                None
            ),
            Err(WebhookError::BadSignature)
        );
        let rotated = format!("v1,AAAA v2,zzz {EXPECTED}");
        s.verify(Some(ID), Some(&ts), Some(&rotated), BODY.as_bytes(), None)
            .unwrap();
        assert_eq!(
            s.verify(None, Some(&ts), Some(EXPECTED), BODY.as_bytes(), None),
            Err(WebhookError::MissingHeader("webhook-id"))
        );
    }

    #[test]
    fn generated_secrets_parse() {
        let g = WebhookSecret::generate();
        assert!(g.starts_with("whsec_"));
        WebhookSecret::parse(&g).unwrap();
    }
}
