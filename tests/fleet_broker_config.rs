//! `caas fleet broker-config` writes Mosquitto's password and ACL files from
//! the configured fleet logins (the Mosquitto behaviour of those files is
//! proved in `crates/caas-fleet/tests/mosquitto_acl.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn caas(args: &[&str], key: Option<&str>) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_caas"));
    cmd.args(args)
        .env("CAAS_CONFIG", "/nonexistent.toml")
        .env("CAAS_FLEET_USERNAME", "caas-platform")
        .env("CAAS_FLEET_PASSWORD", "platform-password");
    if let Some(key) = key {
        cmd.env("CAAS_FLEET_VEHICLE_KEY", key);
    }
    cmd.output().unwrap()
}

#[test]
fn broker_config_writes_a_password_file_and_per_car_acl() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let vins = dir.path().join("vins.txt");
    std::fs::write(&vins, "# received today\nVSSZZZ5FZR6000002\n\n").unwrap();
    let run = caas(
        &[
            "fleet",
            "broker-config",
            "--out",
            out,
            "--vin",
            "VSSZZZ5FZR6000001",
            "--vins-file",
            vins.to_str().unwrap(),
        ],
        Some("vehicle-key"),
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let passwd = std::fs::read_to_string(dir.path().join("passwd")).unwrap();
    let users: Vec<_> = passwd.lines().filter_map(|l| l.split_once(':')).collect();
    let names: Vec<_> = users.iter().map(|(u, _)| *u).collect();
    assert_eq!(
        names,
        ["caas-platform", "VSSZZZ5FZR6000001", "VSSZZZ5FZR6000002"]
    );
    assert!(
        users.iter().all(|(_, h)| h.starts_with("$7$101$")),
        "{passwd}"
    );
    assert!(!passwd.contains("platform-password"), "hashed, not plain");
    let acl = std::fs::read_to_string(dir.path().join("acl")).unwrap();
    assert!(
        acl.contains("user caas-platform\ntopic readwrite fleet/v1/#"),
        "{acl}"
    );
    assert!(acl.contains("pattern read fleet/v1/%u/commands"), "{acl}");
    let conf = std::fs::read_to_string(dir.path().join("mosquitto.conf")).unwrap();
    assert!(conf.contains("allow_anonymous false"), "{conf}");
}

#[test]
fn broker_config_needs_the_vehicle_key() {
    let dir = tempfile::tempdir().unwrap();
    let run = caas(
        &[
            "fleet",
            "broker-config",
            "--out",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("fleet_vehicle_key"), "{err}");
    assert!(!dir.path().join("passwd").exists());
}
