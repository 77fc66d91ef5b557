//! Who may connect to the fleet broker (`iot-api.md`, *Transport and
//! authentication*): the platform with its own username and password, and
//! each vehicle with client id = username = VIN and its own secret.
//!
//! Vehicle secrets are derived, not stored: `HMAC-SHA256(vehicle_key,
//! "caas-fleet-vehicle-v1:" + VIN)`, base64url without padding. The
//! `vehicle_key` is one platform secret (config `fleet_vehicle_key`); the
//! station that provisions a car (the factory simulator's hand-off to the
//! fleet simulator here) computes the same value from the VIN, so adding a
//! car needs no new table and no broker reload for the embedded broker,
//! and `caas fleet broker-config` can write a Mosquitto password file for
//! any list of VINs. Rotating the key changes every vehicle's secret.

use crate::config::Secret;
use crate::topics::is_valid_vin_level;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// Domain separation of the derived vehicle secrets (bump to rotate the scheme).
const VEHICLE_CONTEXT: &[u8] = b"caas-fleet-vehicle-v1:";

/// The vehicle `vin`'s broker password under `vehicle_key`.
pub fn vehicle_password(vehicle_key: &Secret, vin: &str) -> Secret {
    use base64::Engine as _;
    let mut mac = hmac_sha256(vehicle_key.expose().as_bytes());
    mac.update(VEHICLE_CONTEXT);
    mac.update(vin.as_bytes());
    let tag = mac.finalize().into_bytes();
    Secret::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag))
}

/// A fresh random secret (32 bytes, base64url): the embedded mode's
/// platform password and vehicle key when none is configured.
pub fn random_secret() -> Secret {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    Secret::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn hmac_sha256(key: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this never fails.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

/// Compares without leaking the position of the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The credentials the embedded broker accepts.
#[derive(Clone)]
pub struct BrokerAuth {
    platform_username: String,
    platform_password: Secret,
    vehicle_key: Secret,
}

/// Who a successful login is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The platform (any client id, normally `caas-platform-<n>`).
    Platform,
    /// The vehicle with this VIN.
    Vehicle(String),
}

impl BrokerAuth {
    /// The platform's login and the key vehicle secrets derive from.
    pub fn new(
        platform_username: impl Into<String>,
        platform_password: Secret,
        vehicle_key: Secret,
    ) -> Self {
        Self {
            platform_username: platform_username.into(),
            platform_password,
            vehicle_key,
        }
    }

    /// The platform's username.
    pub fn platform_username(&self) -> &str {
        &self.platform_username
    }

    /// The platform's password.
    pub fn platform_password(&self) -> &Secret {
        &self.platform_password
    }

    /// The key vehicle secrets derive from.
    pub fn vehicle_key(&self) -> &Secret {
        &self.vehicle_key
    }

    /// The secret of vehicle `vin`.
    pub fn vehicle_password(&self, vin: &str) -> Secret {
        vehicle_password(&self.vehicle_key, vin)
    }

    /// Checks a CONNECT's client id, username and password. A vehicle must
    /// use its VIN as both client id and username (so it cannot take over
    /// another car's session) and its own derived secret.
    pub fn authenticate(
        &self,
        client_id: &str,
        username: &str,
        password: &str,
    ) -> Option<Principal> {
        if username == self.platform_username {
            let ok = same(
                password.as_bytes(),
                self.platform_password.expose().as_bytes(),
            );
            return ok.then_some(Principal::Platform);
        }
        if client_id != username || !is_valid_vin_level(username) {
            return None;
        }
        let expected = self.vehicle_password(username);
        same(password.as_bytes(), expected.expose().as_bytes())
            .then(|| Principal::Vehicle(username.to_owned()))
    }
}

impl fmt::Debug for BrokerAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BrokerAuth")
            .field("platform_username", &self.platform_username)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> BrokerAuth {
        BrokerAuth::new("caas-platform", Secret::new("p4ss"), Secret::new("k3y"))
    }

    #[test]
    fn vehicle_secrets_are_deterministic_per_vin_and_key() {
        let a = vehicle_password(&Secret::new("k3y"), "VIN1");
        assert_eq!(a, vehicle_password(&Secret::new("k3y"), "VIN1"));
        assert_ne!(a, vehicle_password(&Secret::new("k3y"), "VIN2"));
        assert_ne!(a, vehicle_password(&Secret::new("other"), "VIN1"));
        assert_eq!(a.expose().len(), 43);
    }

    #[test]
    fn only_the_right_pairs_authenticate() {
        let auth = auth();
        let car = auth.vehicle_password("VIN1");
        assert_eq!(
            auth.authenticate("caas-platform-1", "caas-platform", "p4ss"),
            Some(Principal::Platform)
        );
        assert_eq!(
            auth.authenticate("caas-platform-1", "caas-platform", "nope"),
            None
        );
        assert_eq!(
            auth.authenticate("VIN1", "VIN1", car.expose()),
            Some(Principal::Vehicle("VIN1".to_owned()))
        );
        assert_eq!(
            auth.authenticate("VIN2", "VIN1", car.expose()),
            None,
            "client id must be the VIN"
        );
        assert_eq!(
            auth.authenticate("VIN2", "VIN2", car.expose()),
            None,
            "another car's secret"
        );
        assert_eq!(auth.authenticate("a+b", "a+b", car.expose()), None);
        assert_eq!(auth.authenticate("x", "", ""), None);
        assert!(!format!("{auth:?}").contains("p4ss"));
    }
}
