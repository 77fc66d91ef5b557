//! A real SMTP server for tests: Python's aiosmtpd writing every message to
//! a Maildir, and a decoder for what it received. Without aiosmtpd the
//! caller is told to skip, unless `CAAS_REQUIRE_SMTP=1`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A port nobody listens on (bound, read, released).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

pub fn aiosmtpd_importable() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// An aiosmtpd process storing every message in `<dir>/Maildir`; killed on drop.
pub struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts aiosmtpd, or returns `None` (after saying so) when it is not
    /// installed and `CAAS_REQUIRE_SMTP` is not `1`.
    pub fn start_or_skip() -> Option<Self> {
        if !aiosmtpd_importable() {
            if std::env::var("CAAS_REQUIRE_SMTP").as_deref() == Ok("1") {
                panic!("CAAS_REQUIRE_SMTP=1 but `python3 -c 'import aiosmtpd'` fails; install it with `pip install aiosmtpd`");
            }
            eprintln!("skipped: aiosmtpd not installed");
            return None;
        }
        Some(Self::start())
    }

    pub fn start() -> Self {
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

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("aiosmtpd.log")).unwrap_or_default()
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn new_dir(&self) -> PathBuf {
        self.dir.path().join("Maildir").join("new")
    }

    /// The messages delivered so far (files in `Maildir/new`).
    pub fn delivered(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.new_dir())
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        files
    }

    /// Waits up to 15 s for the first delivered message.
    pub async fn first_message(&self) -> PathBuf {
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
pub struct Received {
    pub to: Vec<String>,
    pub subject: String,
    pub content_type: String,
    pub text: String,
    pub html: String,
    pub notification_id: Option<String>,
    pub category: Option<String>,
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
    "notification_id": m["X-CaaS-Notification-Id"] and str(m["X-CaaS-Notification-Id"]),
    "category": m["X-CaaS-Category"] and str(m["X-CaaS-Category"]),
}))
"#;

pub fn parse_message(path: &Path) -> Received {
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
