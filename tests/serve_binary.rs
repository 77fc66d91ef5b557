//! The `caas serve` binary as a person runs it: with no configuration it
//! creates its SQLite database under `./caas-data`, prints the first ADMIN's
//! login once, that login works, and SIGTERM stops it gracefully.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_caas");

struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &std::path::Path, db: Option<&str>) -> Server {
    let mut cmd = Command::new(BIN);
    cmd.arg("serve")
        .current_dir(dir)
        .env("CAAS_BIND", "127.0.0.1:0")
        .env_remove("CAAS_DATABASE_URL")
        .env_remove("CAAS_SMTP_URL");
    if let Some(db) = db {
        cmd.env("CAAS_DATABASE_URL", db);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Server { child, lines }
}

/// Reads printed lines until the list of URLs is complete.
fn banner(s: &Server) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        let line = s
            .lines
            .recv_timeout(Duration::from_secs(60))
            .expect("the server prints its banner");
        let done = line.contains("Health:");
        seen.push(line);
        if done {
            return seen;
        }
    }
}

fn value_after(lines: &[String], key: &str) -> Option<String> {
    lines
        .iter()
        .find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_owned()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_serve_prints_a_working_admin_login_once_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    // With PostgreSQL selected for the suite, use it; otherwise the embedded default.
    let pg = match std::env::var("CAAS_TEST_DATABASE_URL") {
        Ok(_) => Some(caas_store_tests::fresh_database_url().await.unwrap().0),
        Err(_) => None,
    };
    let first = start(dir.path(), pg.as_deref());
    let lines = banner(&first);
    let url = lines
        .iter()
        .find_map(|l| {
            l.split_whitespace()
                .find(|w| w.starts_with("http://127.0.0.1:"))
                .map(str::to_owned)
        })
        .expect("the URL is printed");
    let email = value_after(&lines, "email:").expect("the admin email is printed");
    let password = value_after(&lines, "password:").expect("the admin password is printed");
    if pg.is_none() {
        assert!(
            dir.path().join("caas-data/caas.db").exists(),
            "SQLite database under ./caas-data"
        );
    }

    let client = reqwest::Client::new();
    let resp = client
        .post(format!("{url}/api/v1/auth/token"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "the printed login works");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["role"], "ADMIN");

    // Graceful stop on SIGTERM.
    let mut first = first;
    let pid = first.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let mut status = None;
    for _ in 0..100 {
        if let Some(s) = first.child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(status.expect("stopped within 10 s").success(), "clean exit");

    // A second start on the same database prints no password.
    let second = start(dir.path(), pg.as_deref());
    let lines = banner(&second);
    assert!(
        value_after(&lines, "password:").is_none(),
        "the password is shown only once"
    );
}

#[tokio::test]
async fn admin_create_staff_writes_activation_links_with_the_configured_public_url() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("caas.db").display());
    std::fs::write(
        dir.path().join("caas.toml"),
        "public_url = \"https://caas.example.es/\"\nbind = \"127.0.0.1:8080\"\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args([
            "admin",
            "create-staff",
            "--role",
            "ADMIN",
            "--email",
            "jefa@example.es",
        ])
        .current_dir(dir.path())
        .env("CAAS_DATABASE_URL", &db)
        .env_remove("CAAS_PUBLIC_URL")
        .env_remove("CAAS_BIND")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let store = caas_store_tests::open_store(&db).await.unwrap();
    let mut tx = store.read().await.unwrap();
    let mails = tx.list_emails(10).await.unwrap();
    let body = &mails
        .first()
        .expect("the activation email is queued")
        .body_text;
    assert!(
        body.contains("https://caas.example.es/activate?token="),
        "the link uses public_url: {body}"
    );
    assert!(!body.contains(":8080"), "{body}");
}
