//! Settings of the gateway's hosted card fields (flattened into
//! [`crate::config::Config`]): the publishable key (`pk_…`, safe to show to
//! browsers) and the origin browsers load the fields from. With the
//! embedded simulators the origin is the simulator's; with simulators off it
//! defaults to the origin of `payment_base_url`.

use crate::config::ConfigError;
use serde::Deserialize;

/// Hosted card field settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CardFieldsConfig {
    /// The gateway's publishable key (`pk_…`); the embedded simulator uses it too.
    pub payment_publishable_key: String,
    /// Browser-facing origin of the gateway (`https://pay.example:443`, no
    /// path); unset: the embedded simulator's, or `payment_base_url`'s origin.
    pub payment_fields_origin: Option<String>,
}

impl Default for CardFieldsConfig {
    fn default() -> Self {
        Self {
            payment_publishable_key: caas_sim::payments::DEV_PUBLISHABLE_KEY.into(),
            payment_fields_origin: None,
        }
    }
}

/// The origin (`scheme://host[:port]`, lower case) of an http(s) URL, made
/// only of characters that are safe inside a CSP header and an HTML
/// attribute; `None` for anything else. With `allow_path` false the URL
/// must be the bare origin (no path, not even `/`).
pub fn origin_of(url: &str, allow_path: bool) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if !allow_path && !path.is_empty() {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let safe = !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b".-:[]".contains(&b));
    safe.then(|| format!("{scheme}://{authority}"))
}

impl CardFieldsConfig {
    /// Checks the values.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |k: &str, m: &str| Err(ConfigError(format!("{k}: {m}")));
        let pk = &self.payment_publishable_key;
        if !pk.starts_with("pk_")
            || pk.len() > 200
            || !pk.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return err(
                "payment_publishable_key",
                "must be the gateway's publishable key, pk_ followed by letters and digits",
            );
        }
        if let Some(o) = &self.payment_fields_origin {
            if origin_of(o, false).is_none() {
                return err(
                    "payment_fields_origin",
                    "must be an origin such as https://pay.example.com (scheme, host, port; no path)",
                );
            }
        }
        Ok(())
    }

    /// The browser-facing origin: the configured one, else `base_url`'s.
    pub fn origin(&self, base_url: Option<&str>) -> Option<String> {
        match &self.payment_fields_origin {
            Some(o) => origin_of(o, false),
            None => base_url.and_then(|u| origin_of(u, true)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_origin_is_an_exact_origin_and_the_key_a_publishable_one() {
        let c = CardFieldsConfig::default();
        assert!(c.validate().is_ok());
        assert_eq!(
            c.origin(Some("http://127.0.0.1:4100/")).as_deref(),
            Some("http://127.0.0.1:4100")
        );
        assert_eq!(
            origin_of("HTTPS://Pay.Example", false).as_deref(),
            Some("https://pay.example")
        );
        for bad in [
            "pay.example",
            "ftp://pay",
            "https://pay/x",
            "https://a b",
            "https://a;b",
        ] {
            assert_eq!(origin_of(bad, false), None, "{bad}");
        }
        let c = CardFieldsConfig {
            payment_fields_origin: Some("https://pay.example/path".into()),
            ..CardFieldsConfig::default()
        };
        assert!(c.validate().is_err());
        let c = CardFieldsConfig {
            payment_publishable_key: "sk_live_secret".into(),
            ..CardFieldsConfig::default()
        };
        let e = c
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("payment_publishable_key"), "{e}");
    }
}
