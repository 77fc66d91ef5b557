//! Message encryption for Web Push (RFC 8291) with the `aes128gcm` content
//! coding (RFC 8188): one record of size 4096, the sender's ephemeral P-256
//! public key as the `keyid`, a fresh 16-byte salt per message.
//!
//! [`encrypt`] is the application server's side; [`decrypt`] and
//! [`UserAgentKeys`] are the browser's side, used by the simulator and tests.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::Sha256;
use thiserror::Error;

use super::{b64url_decode, b64url_encode};

/// Record size written in the header (`rs`).
pub const RECORD_SIZE: u32 = 4096;
/// Largest body a push service must accept (RFC 8030 §7.2).
pub const MAX_BODY_LEN: usize = 4096;
/// Header length: salt (16) + rs (4) + idlen (1) + keyid (65).
pub const HEADER_LEN: usize = 16 + 4 + 1 + 65;
/// Largest plaintext that fits in [`MAX_BODY_LEN`]: body minus header, the
/// 16-byte AEAD tag and the 1-byte last-record delimiter (= 3993).
pub const MAX_PLAINTEXT_LEN: usize = MAX_BODY_LEN - HEADER_LEN - 16 - 1;

const TAG_LEN: usize = 16;
const LAST_RECORD: u8 = 0x02;

/// Why a message could not be encrypted or decrypted.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum EceError {
    /// The plaintext exceeds [`MAX_PLAINTEXT_LEN`].
    #[error("plaintext of {0} bytes exceeds {MAX_PLAINTEXT_LEN}")]
    TooLarge(usize),
    /// A key (`p256dh`, private scalar) is not a valid P-256 key.
    #[error("invalid key: {0}")]
    BadKey(&'static str),
    /// The auth secret is not 16 bytes.
    #[error("auth secret must be 16 bytes")]
    BadAuth,
    /// The body is not a well-formed single-record `aes128gcm` message.
    #[error("malformed aes128gcm body: {0}")]
    Malformed(&'static str),
    /// AEAD failure: wrong keys or tampered ciphertext.
    #[error("decryption failed")]
    Decrypt,
}

/// Encrypts `plaintext` for the subscription (`ua_public` = decoded `p256dh`,
/// 65 bytes uncompressed; `auth` = decoded 16-byte auth secret) with a fresh
/// ephemeral key and salt. Returns the whole `aes128gcm` body.
pub fn encrypt(plaintext: &[u8], ua_public: &[u8], auth: &[u8]) -> Result<Vec<u8>, EceError> {
    let ephemeral = SecretKey::random(&mut OsRng);
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    encrypt_with(plaintext, ua_public, auth, &ephemeral, &salt)
}

/// [`encrypt`] with a given sender key and salt: deterministic, so the
/// RFC 8291 Appendix A vector can be reproduced. Never reuse a key and salt
/// for two messages outside tests.
pub(crate) fn encrypt_with(
    plaintext: &[u8],
    ua_public: &[u8],
    auth: &[u8],
    as_secret: &SecretKey,
    salt: &[u8; 16],
) -> Result<Vec<u8>, EceError> {
    if plaintext.len() > MAX_PLAINTEXT_LEN {
        return Err(EceError::TooLarge(plaintext.len()));
    }
    let ua_key = PublicKey::from_sec1_bytes(ua_public).map_err(|_| EceError::BadKey("p256dh"))?;
    let ua_bytes = uncompressed(&ua_key);
    let as_bytes = uncompressed(&as_secret.public_key());
    let shared = p256::ecdh::diffie_hellman(as_secret.to_nonzero_scalar(), ua_key.as_affine());
    let (cek, nonce) = derive(
        shared.raw_secret_bytes().as_slice(),
        auth,
        &ua_bytes,
        &as_bytes,
        salt,
    )?;

    let mut record = Vec::with_capacity(plaintext.len() + 1);
    record.extend_from_slice(plaintext);
    record.push(LAST_RECORD);
    let cipher = Aes128Gcm::new_from_slice(&cek).map_err(|_| EceError::BadKey("cek"))?;
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), record.as_slice())
        .map_err(|_| EceError::Decrypt)?;

    let mut body = Vec::with_capacity(HEADER_LEN + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(as_bytes.len() as u8);
    body.extend_from_slice(&as_bytes);
    body.extend_from_slice(&sealed);
    Ok(body)
}

/// Decrypts an `aes128gcm` Web Push body on the receiver's side, given the
/// subscription's private key (32-byte scalar) and auth secret (16 bytes).
/// Only single-record messages are accepted (what Web Push senders produce).
pub fn decrypt(ua_private: &[u8], auth: &[u8], body: &[u8]) -> Result<Vec<u8>, EceError> {
    if ua_private.len() != 32 {
        return Err(EceError::BadKey("private key must be a 32-byte scalar"));
    }
    let ua_secret = SecretKey::from_slice(ua_private).map_err(|_| EceError::BadKey("private"))?;
    if body.len() < 21 {
        return Err(EceError::Malformed("shorter than the header"));
    }
    let (salt, rest) = body.split_at(16);
    let rs = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    let idlen = rest[4] as usize;
    let rest = &rest[5..];
    if rs < 18 {
        return Err(EceError::Malformed("record size below 18"));
    }
    if idlen != 65 || rest.len() < idlen {
        return Err(EceError::Malformed("keyid is not a 65-byte P-256 key"));
    }
    let (keyid, sealed) = rest.split_at(idlen);
    if sealed.len() < TAG_LEN + 1 {
        return Err(EceError::Malformed("record too short"));
    }
    if sealed.len() > rs {
        return Err(EceError::Malformed("more than one record"));
    }
    let as_key = PublicKey::from_sec1_bytes(keyid).map_err(|_| EceError::BadKey("keyid"))?;
    let shared = p256::ecdh::diffie_hellman(ua_secret.to_nonzero_scalar(), as_key.as_affine());
    let ua_bytes = uncompressed(&ua_secret.public_key());
    let mut salt16 = [0u8; 16];
    salt16.copy_from_slice(salt);
    let (cek, nonce) = derive(
        shared.raw_secret_bytes().as_slice(),
        auth,
        &ua_bytes,
        keyid,
        &salt16,
    )?;
    let cipher = Aes128Gcm::new_from_slice(&cek).map_err(|_| EceError::BadKey("cek"))?;
    let mut record = cipher
        .decrypt(Nonce::from_slice(&nonce), sealed)
        .map_err(|_| EceError::Decrypt)?;
    while record.last() == Some(&0) {
        record.pop();
    }
    match record.pop() {
        Some(LAST_RECORD) => Ok(record),
        _ => Err(EceError::Malformed("missing last-record delimiter")),
    }
}

/// RFC 8291 §3.4 then RFC 8188 §2.2–2.3: the content-encryption key and the
/// nonce of record 0.
fn derive(
    ecdh_secret: &[u8],
    auth: &[u8],
    ua_public: &[u8],
    as_public: &[u8],
    salt: &[u8; 16],
) -> Result<([u8; 16], [u8; 12]), EceError> {
    if auth.len() != 16 {
        return Err(EceError::BadAuth);
    }
    let mut key_info = Vec::with_capacity(14 + 65 + 65);
    key_info.extend_from_slice(b"WebPush: info\0");
    key_info.extend_from_slice(ua_public);
    key_info.extend_from_slice(as_public);
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), ecdh_secret)
        .expand(&key_info, &mut ikm)
        .map_err(|_| EceError::BadKey("hkdf"))?;
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .map_err(|_| EceError::BadKey("hkdf"))?;
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .map_err(|_| EceError::BadKey("hkdf"))?;
    Ok((cek, nonce))
}

fn uncompressed(key: &PublicKey) -> Vec<u8> {
    key.to_encoded_point(false).as_bytes().to_vec()
}

/// A simulated browser subscription's key material: the P-256 key pair whose
/// public half is `p256dh`, and the 16-byte `auth` secret.
#[derive(Clone)]
pub struct UserAgentKeys {
    private: [u8; 32],
    auth: [u8; 16],
}

impl std::fmt::Debug for UserAgentKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserAgentKeys(**redacted**)")
    }
}

impl UserAgentKeys {
    /// Fresh random keys, as a browser creates on `pushManager.subscribe()`.
    pub fn generate() -> Self {
        let secret = SecretKey::random(&mut OsRng);
        let mut auth = [0u8; 16];
        OsRng.fill_bytes(&mut auth);
        let mut private = [0u8; 32];
        private.copy_from_slice(secret.to_bytes().as_slice());
        Self { private, auth }
    }

    /// From base64url private scalar (32 bytes) and auth secret (16 bytes).
    pub fn from_base64url(private: &str, auth: &str) -> Result<Self, EceError> {
        let p = b64url_decode(private).ok_or(EceError::BadKey("private not base64url"))?;
        let a = b64url_decode(auth).ok_or(EceError::BadAuth)?;
        let private: [u8; 32] = p
            .try_into()
            .map_err(|_| EceError::BadKey("private must be 32 bytes"))?;
        let auth: [u8; 16] = a.try_into().map_err(|_| EceError::BadAuth)?;
        SecretKey::from_slice(&private).map_err(|_| EceError::BadKey("private"))?;
        Ok(Self { private, auth })
    }

    /// `keys.p256dh`: base64url uncompressed public key (65 bytes).
    pub fn p256dh(&self) -> String {
        match SecretKey::from_slice(&self.private) {
            Ok(s) => b64url_encode(&uncompressed(&s.public_key())),
            Err(_) => String::new(),
        }
    }

    /// `keys.auth`: base64url auth secret (16 bytes).
    pub fn auth(&self) -> String {
        b64url_encode(&self.auth)
    }

    /// Decrypts a body addressed to this subscription.
    pub fn decrypt(&self, body: &[u8]) -> Result<Vec<u8>, EceError> {
        decrypt(&self.private, &self.auth, body)
    }
}

#[cfg(test)]
mod tests;
