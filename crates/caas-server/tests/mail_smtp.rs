//! Email delivery through a real SMTP server (Python's aiosmtpd writing to a
//! Maildir), and what happens when the SMTP server cannot be reached.
//!
//! The delivery test needs `python3 -m aiosmtpd`. Without it the test is
//! skipped (with a note on stderr) unless `CAAS_REQUIRE_SMTP=1`, in which case
//! it fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use caas_domain::clock::SystemClock;
use caas_domain::job::{Job, JobState};
use caas_domain::mail::{EmailState, OutboundEmail};
use caas_server::config::Secret;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PW: &str = "una-clave-larga-1";
/// Subject of the activation email in Spanish (the harness provisions in Spanish).
const ACTIVATION_SUBJECT_ES: &str = "Activa tu cuenta de caas";

/// A port nobody listens on (bound, read, released).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn aiosmtpd_importable() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// An aiosmtpd process storing every message in `<dir>/Maildir`; killed on drop.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts aiosmtpd, or returns `None` (after saying so) when it is not
    /// installed and `CAAS_REQUIRE_SMTP` is not `1`.
    fn start_or_skip() -> Option<Self> {
        if !aiosmtpd_importable() {
            if std::env::var("CAAS_REQUIRE_SMTP").as_deref() == Ok("1") {
                panic!("CAAS_REQUIRE_SMTP=1 but `python3 -c 'import aiosmtpd'` fails; install it with `pip install aiosmtpd`");
            }
            eprintln!("skipped: aiosmtpd not installed");
            return None;
        }
        Some(Self::start())
    }

    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("aiosmtpd.log")).unwrap();
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(dir.path().join("Maildir"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("python3 -m aiosmtpd starts");
        let mut server = Self { child, port, dir };
        server.wait_until_listening();
        server
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "aiosmtpd exited with {status} before listening:\n{}",
                    self.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd is not listening on port {} after 15 s:\n{}",
                self.port,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("aiosmtpd.log")).unwrap_or_default()
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn new_dir(&self) -> PathBuf {
        self.dir.path().join("Maildir").join("new")
    }

    /// The messages delivered so far (files in `Maildir/new`).
    fn delivered(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.new_dir())
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        files
    }

    /// Waits up to 15 s for the first delivered message.
    async fn first_message(&self) -> PathBuf {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(f) = self.delivered().into_iter().next() {
                return f;
            }
            assert!(
                Instant::now() < deadline,
                "no message reached {} within 15 s; aiosmtpd log:\n{}",
                self.new_dir().display(),
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A received message, decoded by Python's `email` package.
#[derive(Debug, serde::Deserialize)]
struct Received {
    to: Vec<String>,
    subject: String,
    content_type: String,
    text: String,
    html: String,
}

const PARSE_MESSAGE: &str = r#"
import email, email.policy, json, sys
with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
print(json.dumps({
    "to": [a.addr_spec for a in m["To"].addresses],
    "subject": str(m["Subject"]),
    "content_type": m.get_content_type(),
    "text": m.get_body(preferencelist=("plain",)).get_content(),
    "html": m.get_body(preferencelist=("html",)).get_content(),
}))
"#;

fn parse_message(path: &Path) -> Received {
    let out = Command::new("python3")
        .args(["-c", PARSE_MESSAGE])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "parsing {} failed: {}\n--- message ---\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(path).unwrap_or_default()
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The hidden `token` field of the set-password form.
fn token_field_in(html: &str) -> String {
    let marker = "name=\"token\" value=\"";
    let start = html.find(marker).expect("the form carries the token") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

async fn outbox_email_to(t: &TestApp, to: &str) -> OutboundEmail {
    let emails = t
        .app
        .store
        .read()
        .await
        .unwrap()
        .list_emails(50)
        .await
        .unwrap();
    emails
        .into_iter()
        .find(|e| e.to.as_str() == to)
        .unwrap_or_else(|| panic!("no outbox email to {to}"))
}

/// Polls the outbox row of the email to `to` until `done` holds (15 s).
async fn wait_for_email(
    t: &TestApp,
    to: &str,
    what: &str,
    done: impl Fn(&OutboundEmail) -> bool,
) -> OutboundEmail {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let e = outbox_email_to(t, to).await;
        if done(&e) {
            return e;
        }
        assert!(
            Instant::now() < deadline,
            "the email to {to} is not {what} after 15 s: {e:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Polls the delivery job of an email until `done` holds (15 s).
async fn wait_for_send_job(
    t: &TestApp,
    email: &OutboundEmail,
    what: &str,
    done: impl Fn(&Job) -> bool,
) -> Job {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let jobs = caas_app::ops::list_jobs(&t.app, None).await.unwrap();
        let job = jobs
            .into_iter()
            .find(|j| j.kind == "send_email" && j.payload["email_id"] == email.id.as_str())
            .unwrap_or_else(|| panic!("no send_email job for {}", email.id.as_str()));
        if done(&job) {
            return job;
        }
        assert!(
            Instant::now() < deadline,
            "the send_email job is not {what} after 15 s: {job:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_activation_email_reaches_a_real_smtp_server_and_its_link_activates_the_account() {
    let Some(smtp) = SmtpServer::start_or_skip() else {
        return;
    };
    let smtp_url = smtp.url();
    let t = spawn_app_with(
        move |c| c.smtp_url = Some(Secret::new(smtp_url)),
        Arc::new(SystemClock),
    )
    .await;
    let to = "ana.smtp@example.com";
    t.provision_customer(to).await;

    let file = smtp.first_message().await;
    let msg = parse_message(&file);
    assert_eq!(msg.to, vec![to.to_owned()], "addressed to the customer");
    assert_eq!(msg.subject, ACTIVATION_SUBJECT_ES);
    assert_eq!(
        msg.content_type, "multipart/alternative",
        "text and HTML alternatives"
    );
    let link = link_in(&msg.text, "/activate")
        .unwrap_or_else(|| panic!("no activation link in the text part:\n{}", msg.text));
    assert!(
        link.starts_with(&t.address),
        "the link points at this server: {link}"
    );
    assert_eq!(
        link_in(&msg.html, "/activate").as_deref(),
        Some(link.as_str()),
        "the HTML part carries the same link"
    );

    let sent = wait_for_email(&t, to, "sent", |e| e.state == EmailState::Sent).await;
    assert!(sent.sent_at.is_some(), "a sent email records when");
    assert_eq!(sent.subject, msg.subject);

    let c = client();
    let page = c.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200, "the emailed link opens");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("name=\"password\"") && html.contains(to),
        "the link shows the set-password form for the customer"
    );
    let resp = c
        .post(t.url("/activate"))
        .form(&[
            ("_csrf", csrf_in(&html).as_str()),
            ("token", &token_field_in(&html)),
            ("password", PW),
            ("confirm", PW),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "the password is set");

    let token = client()
        .post(t.url("/api/v1/auth/token"))
        .json(&serde_json::json!({"email": to, "password": PW}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        token.status(),
        201,
        "the customer logs in with the chosen password"
    );
    let v: serde_json::Value = token.json().await.unwrap();
    let me = client()
        .get(t.url("/api/v1/me"))
        .bearer_auth(v["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<serde_json::Value>().await.unwrap()["email"], to);
    assert_eq!(
        smtp.delivered().len(),
        1,
        "exactly one message was delivered"
    );
}

#[tokio::test]
async fn an_unreachable_smtp_server_leaves_the_email_pending_and_requeues_its_job_with_the_error() {
    let closed = free_port();
    let t = spawn_app_with(
        move |c| c.smtp_url = Some(Secret::new(format!("smtp://127.0.0.1:{closed}"))),
        Arc::new(SystemClock),
    )
    .await;
    let to = "bruno.smtp@example.com";
    t.provision_customer(to).await;
    let email = outbox_email_to(&t, to).await;

    let job = wait_for_send_job(&t, &email, "failed once and requeued", |j| {
        j.state == JobState::Queued && j.attempts >= 1 && j.last_error.is_some()
    })
    .await;
    let error = job.last_error.clone().unwrap();
    assert!(error.contains("smtp"), "the error names SMTP: {error}");
    assert!(
        job.run_at > job.updated_at,
        "the retry is scheduled later (backoff): {job:?}"
    );
    assert!(job.attempts < job.max_attempts, "attempts remain: {job:?}");

    let email = outbox_email_to(&t, to).await;
    assert_eq!(
        email.state,
        EmailState::Pending,
        "the email waits for the next attempt"
    );
    assert!(email.sent_at.is_none());
}
