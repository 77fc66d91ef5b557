//! Production broker configuration for Mosquitto 2 (`caas fleet
//! broker-config`): a password file in `mosquitto_passwd`'s own format
//! (`user:$7$<iterations>$<salt>$<PBKDF2-SHA512>`, standard base64), an ACL
//! file that gives the platform all of `fleet/v1/#` and each vehicle only its
//! own topics as the contract's *Broker ACL* says (subscribe to its
//! `commands`, publish its `replies`, `state`, `presence`; `%u` is the
//! username = VIN), and a `mosquitto.conf` fragment that uses both.

use crate::auth::BrokerAuth;
use crate::config::Secret;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha512;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// PBKDF2 iterations (mosquitto_passwd's default).
pub const PBKDF2_ITERATIONS: u32 = 101;
/// Salt length in bytes (mosquitto_passwd's).
const SALT_LEN: usize = 12;

/// One password-file line for `username`, freshly salted.
pub fn password_line(username: &str, password: &Secret) -> String {
    let mut salt = [0u8; SALT_LEN];
    rand::thread_rng().fill_bytes(&mut salt);
    password_line_with_salt(username, password, &salt, PBKDF2_ITERATIONS)
}

fn password_line_with_salt(username: &str, password: &Secret, salt: &[u8], rounds: u32) -> String {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    let hash = pbkdf2_sha512(password.expose().as_bytes(), salt, rounds);
    format!(
        "{username}:$7${rounds}${}${}",
        STANDARD.encode(salt),
        STANDARD.encode(hash)
    )
}

/// PBKDF2-HMAC-SHA512 with one 64-byte block (RFC 8018 §5.2).
fn pbkdf2_sha512(password: &[u8], salt: &[u8], rounds: u32) -> [u8; 64] {
    let prf = match Hmac::<Sha512>::new_from_slice(password) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    let mut mac = prf.clone();
    mac.update(salt);
    mac.update(&1u32.to_be_bytes());
    let mut u: [u8; 64] = mac.finalize().into_bytes().into();
    let mut out = u;
    for _ in 1..rounds {
        let mut mac = prf.clone();
        mac.update(&u);
        u = mac.finalize().into_bytes().into();
        out.iter_mut().zip(u.iter()).for_each(|(o, x)| *o ^= x);
    }
    out
}

/// The password file: the platform, then one line per VIN.
pub fn password_file(auth: &BrokerAuth, vins: &[String]) -> String {
    let mut out = password_line(auth.platform_username(), auth.platform_password());
    out.push('\n');
    for vin in vins {
        out.push_str(&password_line(vin, &auth.vehicle_password(vin)));
        out.push('\n');
    }
    out
}

/// The ACL file: the platform everywhere under `fleet/v1/`, each vehicle
/// (`%u` = its username = VIN) only on its own topics.
pub fn acl_file(platform_username: &str) -> String {
    let mut out =
        String::from("# Written by `caas fleet broker-config` (iot-api.md, Broker ACL).\n");
    let _ = writeln!(out, "user {platform_username}");
    out.push_str("topic readwrite fleet/v1/#\n\n");
    out.push_str("# Every other user is a vehicle whose username is its VIN.\n");
    out.push_str("pattern read fleet/v1/%u/commands\n");
    for leaf in ["replies", "state", "presence"] {
        let _ = writeln!(out, "pattern write fleet/v1/%u/{leaf}");
    }
    out
}

/// A `mosquitto.conf` fragment using the files in `dir` (add a `listener`).
pub fn conf_fragment(dir: &Path) -> String {
    format!(
        "# Written by `caas fleet broker-config`. Add your listener (TLS on 8883 in production).\n\
         per_listener_settings false\n\
         allow_anonymous false\n\
         password_file {}\n\
         acl_file {}\n\
         # Contract payloads are at most 16 KiB (plus topic and header).\n\
         max_packet_size 20000\n\
         # Persistent sessions and retained state survive a broker restart.\n\
         persistence true\n\
         # One round trip is ~0.2 ms instead of ~40 ms (shared/BASELINES.md).\n\
         set_tcp_nodelay true\n",
        dir.join("passwd").display(),
        dir.join("acl").display(),
    )
}

/// Writes `passwd`, `acl` and `mosquitto.conf` into `dir` (created if
/// missing; `passwd` readable by its owner only). Returns the paths.
pub fn write_broker_config(
    dir: &Path,
    auth: &BrokerAuth,
    vins: &[String],
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let dir = std::fs::canonicalize(dir)?;
    let passwd = dir.join("passwd");
    std::fs::write(&passwd, password_file(auth, vins))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&passwd, std::fs::Permissions::from_mode(0o600))?;
    }
    let acl = dir.join("acl");
    std::fs::write(&acl, acl_file(auth.platform_username()))?;
    let conf = dir.join("mosquitto.conf");
    std::fs::write(&conf, conf_fragment(&dir))?;
    Ok(vec![passwd, acl, conf])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbkdf2_sha512_matches_the_rfc_6070_style_vector() {
        // PBKDF2-HMAC-SHA512("password", "salt", 1) first 64 bytes.
        let out = pbkdf2_sha512(b"password", b"salt", 1);
        assert_eq!(out[..8], [0x86, 0x7f, 0x70, 0xcf, 0x1a, 0xde, 0x02, 0xcf]);
        let two = pbkdf2_sha512(b"password", b"salt", 2);
        assert_eq!(two[..8], [0xe1, 0xd9, 0xc1, 0x6a, 0xa6, 0x81, 0x70, 0x8a]);
    }

    #[test]
    fn password_lines_have_the_mosquitto_7_format() {
        let line = password_line("VIN1", &Secret::new("s3cret"));
        let (user, hash) = line.split_once(':').unwrap_or_default();
        assert_eq!(user, "VIN1");
        let parts: Vec<_> = hash.split('$').collect();
        assert_eq!(parts[..3], ["", "7", "101"]);
        assert_eq!(parts[3].len(), 16, "12-byte salt in base64");
        assert_eq!(parts[4].len(), 88, "64-byte hash in base64");
        assert_ne!(
            line,
            password_line("VIN1", &Secret::new("s3cret")),
            "fresh salt"
        );
    }

    #[test]
    fn acl_gives_vehicles_only_their_own_topics() {
        let acl = acl_file("caas-platform");
        assert!(acl.contains("user caas-platform\ntopic readwrite fleet/v1/#\n"));
        assert!(acl.contains("pattern read fleet/v1/%u/commands\n"));
        assert!(acl.contains("pattern write fleet/v1/%u/presence\n"));
        assert!(!acl.contains("%u/#"));
    }
}
