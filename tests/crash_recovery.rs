//! `kill -9` of `caas serve` while it holds a job: after a restart the job is
//! claimed again when its lease expires and runs exactly once more. Drives the
//! real binary; mail goes to a real SMTP server (aiosmtpd).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use caas_domain::job::JobState;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod crash_support;
use crash_support::{caas, free_port, Killed, BIN};

fn serve(db: &str, smtp_port: u16) -> Killed {
    Killed(
        Command::new(BIN)
            .args(["serve"])
            .env("CAAS_DATABASE_URL", db)
            .env("CAAS_CONFIG", "/nonexistent.toml")
            .env("CAAS_BIND", "127.0.0.1:0")
            .env("CAAS_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
            .env("CAAS_JOB_LEASE_SECONDS", "10")
            .env("CAAS_JOB_POLL_MS", "100")
            .env("CAAS_LOG_LEVEL", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

fn aiosmtpd_available() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success())
}

fn messages(maildir: &Path) -> usize {
    std::fs::read_dir(maildir.join("new"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_held_by_a_killed_server_runs_again_exactly_once_after_restart() {
    if !aiosmtpd_available() {
        assert!(
            std::env::var("CAAS_REQUIRE_SMTP").is_err(),
            "CAAS_REQUIRE_SMTP is set but aiosmtpd is not installed"
        );
        eprintln!("skipped: aiosmtpd not installed");
        return;
    }
    let (db, _dir) = caas_store_tests::fresh_database_url().await.unwrap();

    // An activation email job, queued through the command line.
    let dealership = caas(
        &db,
        &[
            "admin",
            "create-dealership",
            "--name",
            "Motor Norte",
            "--country",
            "ES",
            "--locality",
            "Bilbao",
        ],
    );
    caas(
        &db,
        &[
            "admin",
            "create-staff",
            "--role",
            "SALES",
            "--dealership",
            dealership.trim(),
            "--email",
            "ventas@example.com",
        ],
    );

    // 1. A server whose SMTP peer accepts the connection and never answers: the job hangs, claimed.
    let hole = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hole_port = hole.local_addr().unwrap().port();
    let first = serve(&db, hole_port);
    hole.set_nonblocking(false).unwrap();
    let (held_conn, _) = hole.accept().unwrap(); // the worker is now inside the job
    drop(first); // kill -9
    drop(held_conn);

    let store = caas_store_tests::open_store(&db).await.unwrap();
    let jobs = store
        .read()
        .await
        .unwrap()
        .list_jobs(None, 10)
        .await
        .unwrap();
    let job = jobs
        .iter()
        .find(|j| j.kind == "send_email")
        .expect("the email job exists")
        .clone();
    assert_eq!(
        job.state,
        JobState::Running,
        "the killed server held the job"
    );
    assert_eq!(job.attempts, 1);

    // 2. Restart against a real SMTP server.
    let smtp_port = free_port();
    let mail = tempfile::tempdir().unwrap();
    let maildir = mail.path().join("Maildir");
    let _smtpd = Killed(
        Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{smtp_port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let _second = serve(&db, smtp_port);

    let deadline = Instant::now() + Duration::from_secs(60);
    while messages(&maildir) == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        messages(&maildir),
        1,
        "the email arrived after the lease expired"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(messages(&maildir), 1, "and only once");
    let after = store
        .read()
        .await
        .unwrap()
        .find_job(&job.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.state, JobState::Succeeded);
    assert_eq!(after.attempts, 2, "claimed exactly once more");
}
