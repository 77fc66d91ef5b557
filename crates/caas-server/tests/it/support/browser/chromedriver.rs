//! The `chromedriver` process: started on a free port, ready once `/status`
//! says so, killed with its browsers on drop; and the headless Chromium
//! capabilities.

use super::*;

/// A running `chromedriver`, killed (with the browsers it started) on drop,
/// whether the test passed, failed or panicked.
pub struct Chromedriver {
    child: Child,
    pub url: String,
}

impl Chromedriver {
    /// Starts chromedriver on a free port and waits until it accepts connections.
    pub fn start() -> anyhow::Result<Self> {
        let port = free_port()?;
        let mut cmd = Command::new(CHROMEDRIVER);
        cmd.arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so that dropping the guard also ends the
        // Chromium processes it launched even if the session was never closed.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start {CHROMEDRIVER}"))?;
        let mut driver = Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let started = Instant::now();
        loop {
            // A bare TCP connect is not enough: between `free_port` dropping its
            // listener and chromedriver binding, another test may take the port,
            // and the connect then reaches that test's server. `/status` answering
            // `"ready"` is chromedriver itself, ready for a session.
            if driver_ready(&addr) {
                return Ok(driver);
            }
            if let Some(status) = driver.child.try_wait()? {
                bail!("chromedriver exited before accepting connections ({status})");
            }
            if started.elapsed() > DRIVER_START {
                bail!("chromedriver did not accept connections on port {port} within {DRIVER_START:?}");
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let pid = self.child.id();
        // The whole group: chromedriver and any Chromium it left behind.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether the WebDriver server at `addr` answers `GET /status` with `ready`.
fn driver_ready(addr: &SocketAddr) -> bool {
    use std::io::{Read as _, Write as _};
    let Ok(mut stream) = TcpStream::connect_timeout(addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    // HTTP/1.1 (chromedriver answers HTTP/1.0 with nothing); read until the answer is seen.
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&seen);
        if text.starts_with("HTTP/1.") && text.contains("\"ready\":true") {
            return true;
        }
    }
    false
}

fn free_port() -> anyhow::Result<u16> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("no free port")?;
    Ok(l.local_addr()?.port())
}

/// WebDriver capabilities for headless Chromium with profile `user_data_dir`.
pub fn capabilities(user_data_dir: &Path) -> serde_json::Map<String, serde_json::Value> {
    let args = [
        "--headless=new".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--lang=es-ES".to_owned(),
        "--window-size=1280,900".to_owned(),
        format!("--user-data-dir={}", user_data_dir.display()),
    ];
    let caps = serde_json::json!({
        "browserName": "chrome",
        // Headless Chromium does not derive Accept-Language from `--lang`;
        // the profile preference makes the pages Spanish, the app's default.
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": args,
            "prefs": { "intl.accept_languages": "es-ES,es" },
        },
    });
    match caps {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("capabilities are a JSON object"),
    }
}
