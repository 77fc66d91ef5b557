//! VAPID (RFC 8292): the application server's P-256 key pair, the ES256 JWT
//! it signs for each push service origin, and the verification a push
//! service performs on `Authorization: vapid t=<jwt>, k=<public key>`.

use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{b64url_decode, b64url_encode};

/// Lifetime the sender gives its tokens (`exp` = now + 12 h).
pub const JWT_LIFETIME_SECS: i64 = 12 * 3600;
/// Longest lifetime a push service accepts (`exp` ≤ now + 24 h).
pub const MAX_JWT_LIFETIME_SECS: i64 = 24 * 3600;

const JWT_HEADER: &str = r#"{"typ":"JWT","alg":"ES256"}"#;

/// Problems with VAPID keys, headers or tokens.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum VapidError {
    /// A key is not valid base64url P-256 material, or the halves differ.
    #[error("invalid VAPID key: {0}")]
    BadKey(&'static str),
    /// The `Authorization` header is not `vapid t=…, k=…`.
    #[error("malformed vapid Authorization header")]
    MalformedHeader,
    /// The JWT is not three base64url JSON parts with `alg` ES256.
    #[error("malformed JWT: {0}")]
    MalformedToken(&'static str),
    /// The ES256 signature does not verify with `k`.
    #[error("bad JWT signature")]
    BadSignature,
    /// `aud` is not the push service's origin.
    #[error("aud {got:?} is not {expected:?}")]
    WrongAudience {
        /// The origin the push service expected.
        expected: String,
        /// The `aud` claim received.
        got: String,
    },
    /// `exp` is not in the future.
    #[error("JWT expired")]
    Expired,
    /// `exp` is more than 24 h ahead.
    #[error("JWT exp more than 24 h ahead")]
    TooFarAhead,
    /// `sub` is missing or not a `mailto:` / `https:` URI.
    #[error("sub must be a mailto: or https: contact")]
    BadSubject,
}

/// The claims of a VAPID JWT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VapidClaims {
    /// Origin of the push service.
    pub aud: String,
    /// Expiry, Unix seconds.
    pub exp: i64,
    /// Operator contact (`mailto:` or `https:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
}

/// The application server's VAPID key pair (ES256 / P-256).
#[derive(Clone)]
pub struct VapidKeys {
    signing: SigningKey,
}

impl std::fmt::Debug for VapidKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "VapidKeys(public={}, private=**redacted**)",
            self.public_key()
        )
    }
}

impl VapidKeys {
    /// A fresh random key pair.
    pub fn generate() -> Self {
        Self {
            signing: SigningKey::random(&mut OsRng),
        }
    }

    /// Parses `VAPID_PUBLIC_KEY` (base64url uncompressed point, 65 bytes) and
    /// `VAPID_PRIVATE_KEY` (base64url 32-byte scalar); both must belong together.
    pub fn from_base64url(public: &str, private: &str) -> Result<Self, VapidError> {
        let keys = Self::from_private_base64url(private)?;
        let public = b64url_decode(public).ok_or(VapidError::BadKey("public not base64url"))?;
        if public.len() != 65 || public[0] != 4 {
            return Err(VapidError::BadKey(
                "public must be a 65-byte uncompressed point",
            ));
        }
        if public != keys.public_key_bytes() {
            return Err(VapidError::BadKey(
                "public key does not match the private key",
            ));
        }
        Ok(keys)
    }

    /// Parses the private scalar alone (the public key is derived from it).
    pub fn from_private_base64url(private: &str) -> Result<Self, VapidError> {
        let private = b64url_decode(private).ok_or(VapidError::BadKey("private not base64url"))?;
        if private.len() != 32 {
            return Err(VapidError::BadKey("private must be a 32-byte scalar"));
        }
        let signing =
            SigningKey::from_slice(&private).map_err(|_| VapidError::BadKey("private scalar"))?;
        Ok(Self { signing })
    }

    /// Uncompressed public point (65 bytes).
    pub fn public_key_bytes(&self) -> Vec<u8> {
        self.signing
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec()
    }

    /// Public key, base64url without padding (the `applicationServerKey`).
    pub fn public_key(&self) -> String {
        b64url_encode(&self.public_key_bytes())
    }

    /// Private scalar, base64url without padding (for `VAPID_PRIVATE_KEY`).
    pub fn private_key(&self) -> String {
        b64url_encode(self.signing.to_bytes().as_slice())
    }

    /// Signs an ES256 JWT `{"aud", "exp", "sub"}`.
    pub fn sign_jwt(&self, claims: &VapidClaims) -> String {
        let payload = serde_json::to_vec(claims).unwrap_or_default();
        let input = format!(
            "{}.{}",
            b64url_encode(JWT_HEADER.as_bytes()),
            b64url_encode(&payload)
        );
        let sig: Signature = self.signing.sign(input.as_bytes());
        format!("{input}.{}", b64url_encode(sig.to_bytes().as_slice()))
    }

    /// The `Authorization` header value for a push to `origin` at time `now`
    /// (Unix seconds): `vapid t=<jwt>, k=<public key>`, `exp` = now + 12 h.
    pub fn authorization(&self, origin: &str, subject: &str, now: i64) -> String {
        let jwt = self.sign_jwt(&VapidClaims {
            aud: origin.to_owned(),
            exp: now + JWT_LIFETIME_SECS,
            sub: Some(subject.to_owned()),
        });
        format!("vapid t={jwt}, k={}", self.public_key())
    }
}

/// Splits `vapid t=<jwt>, k=<key>` (parameters in any order) into `(t, k)`.
pub fn parse_authorization(header: &str) -> Result<(String, String), VapidError> {
    let header = header.trim();
    let (scheme, params) = header
        .split_once(char::is_whitespace)
        .ok_or(VapidError::MalformedHeader)?;
    if !scheme.eq_ignore_ascii_case("vapid") {
        return Err(VapidError::MalformedHeader);
    }
    let (mut t, mut k) = (None, None);
    for param in params.split(',') {
        let (name, value) = param
            .trim()
            .split_once('=')
            .ok_or(VapidError::MalformedHeader)?;
        let value = value.trim().trim_matches('"').to_owned();
        match name.trim().to_ascii_lowercase().as_str() {
            "t" => t = Some(value),
            "k" => k = Some(value),
            _ => {}
        }
    }
    match (t, k) {
        (Some(t), Some(k)) if !t.is_empty() && !k.is_empty() => Ok((t, k)),
        _ => Err(VapidError::MalformedHeader),
    }
}

/// Verifies a VAPID JWT as a push service does: ES256 signature with the
/// public key `k` (uncompressed point), `aud` = `expected_aud`, `now` < `exp`
/// ≤ `now` + 24 h, `sub` a `mailto:` or `https:` contact.
pub fn verify_jwt(
    token: &str,
    public_key: &[u8],
    expected_aud: &str,
    now: i64,
) -> Result<VapidClaims, VapidError> {
    let key = VerifyingKey::from_sec1_bytes(public_key).map_err(|_| VapidError::BadKey("k"))?;
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VapidError::MalformedToken("not three parts"));
    };
    let header: serde_json::Value = b64url_decode(h)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(VapidError::MalformedToken("header"))?;
    if header.get("alg").and_then(|a| a.as_str()) != Some("ES256") {
        return Err(VapidError::MalformedToken("alg is not ES256"));
    }
    let sig = b64url_decode(s)
        .and_then(|b| Signature::from_slice(&b).ok())
        .ok_or(VapidError::MalformedToken("signature"))?;
    let input_len = h.len() + 1 + p.len();
    key.verify(&token.as_bytes()[..input_len], &sig)
        .map_err(|_| VapidError::BadSignature)?;
    let claims: VapidClaims = b64url_decode(p)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(VapidError::MalformedToken("claims"))?;
    if claims.aud != expected_aud {
        return Err(VapidError::WrongAudience {
            expected: expected_aud.to_owned(),
            got: claims.aud,
        });
    }
    if claims.exp <= now {
        return Err(VapidError::Expired);
    }
    if claims.exp > now + MAX_JWT_LIFETIME_SECS {
        return Err(VapidError::TooFarAhead);
    }
    match claims.sub.as_deref() {
        Some(s) if s.starts_with("mailto:") || s.starts_with("https:") => Ok(claims),
        _ => Err(VapidError::BadSubject),
    }
}

/// [`parse_authorization`] then [`verify_jwt`] with the key from `k`.
/// Returns the claims and the base64url public key that signed them.
pub fn verify_authorization(
    header: &str,
    expected_aud: &str,
    now: i64,
) -> Result<(VapidClaims, String), VapidError> {
    let (t, k) = parse_authorization(header)?;
    let key = b64url_decode(&k).ok_or(VapidError::BadKey("k not base64url"))?;
    let claims = verify_jwt(&t, &key, expected_aud, now)?;
    Ok((claims, k))
}
