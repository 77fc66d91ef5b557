//! Unit tests of [`super`]: secrets never print, errors name the setting,
//! and the layering of defaults, file and environment.

use super::*;

#[test]
fn secrets_never_print() {
    let c = Config {
        smtp_url: Some(Secret::new("smtp://user:hunter2@mail:25")),
        ..Config::default()
    };
    assert!(!format!("{c:?}").contains("hunter2"));
}

#[test]
fn invalid_values_are_named_in_the_error() {
    let c = Config {
        database_url: Secret::new("mysql://x"),
        ..Config::default()
    };
    assert!(c
        .validate()
        .unwrap_err()
        .to_string()
        .contains("database_url"));
    let c = Config {
        bind: "nowhere".into(),
        ..Config::default()
    };
    assert!(c.validate().unwrap_err().to_string().contains("bind"));
    assert!(Config::default().validate().is_ok());
}

#[test]
#[allow(clippy::result_large_err)]
fn environment_overrides_the_file_which_overrides_defaults() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("caas.toml", "bind = \"127.0.0.1:9000\"\njob_workers = 3\n")?;
        jail.set_env("CAAS_JOB_WORKERS", "5");
        let c = Config::load(Path::new("caas.toml")).map_err(|e| e.to_string())?;
        assert_eq!(c.bind, "127.0.0.1:9000");
        assert_eq!(c.job_workers, 5);
        assert_eq!(c.log_level, "info");
        Ok(())
    });
}

#[test]
fn the_expiry_reminder_defaults_to_three_days_and_refuses_a_negative_window() {
    let c = Config::default();
    assert_eq!(
        c.store.ota().expiry_reminder,
        chrono::Duration::days(3),
        "default"
    );
    let mut c = Config::default();
    c.store.expiry_reminder_days = 0;
    assert!(c.validate().is_ok(), "0 switches reminders off");
    c.store.expiry_reminder_days = -1;
    assert!(c
        .validate()
        .unwrap_err()
        .to_string()
        .contains("expiry_reminder_days"));
}
