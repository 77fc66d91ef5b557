//! Web Push (RFC 8030) for the mobile web app, as fixed by
//! `shared/contracts/notification-providers.md` §3:
//!
//! - [`ece`]: RFC 8291 message encryption (`aes128gcm`, RFC 8188), and the
//!   receiver's [`decrypt`] used by the simulator and tests;
//! - [`vapid`]: RFC 8292 VAPID keys, ES256 JWT signing and verification;
//! - [`client`]: [`WebPushClient`], the HTTP sender implementing
//!   [`caas_domain::partners::PushApi`].

pub mod client;
pub mod ece;
pub mod vapid;

pub use client::{WebPushClient, WebPushConfig, DEFAULT_TIMEOUT};
pub use ece::{decrypt, encrypt, EceError, UserAgentKeys, MAX_BODY_LEN, MAX_PLAINTEXT_LEN};
pub use vapid::{
    parse_authorization, verify_authorization, verify_jwt, VapidClaims, VapidError, VapidKeys,
};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// base64url without padding, as Web Push uses everywhere.
pub fn b64url_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url, with or without trailing `=` padding.
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .ok()
}
