//! Headless-Chromium harness for the browser journeys: starts `chromedriver`
//! on a free port, opens a WebDriver session with a fresh profile, runs named
//! steps and, when a step fails, saves a screenshot (and the page source) named
//! after the test and the step before failing with the step's name.
//!
//! The WebDriver client is [`wd`], a small W3C WebDriver client over
//! `reqwest` whose API follows fantoccini's (`Client`, `Locator`,
//! `wait().for_element(…)`). fantoccini itself cannot be used here yet: its
//! `ClientBuilder::rustls()` panics because this workspace enables both the
//! `ring` and `aws-lc-rs` features of rustls, so rustls cannot choose a
//! process-wide crypto provider (see the report that came with these tests).
//!
//! Environment:
//! - `CAAS_REQUIRE_BROWSER=1`: a missing chromedriver fails the test instead
//!   of skipping it.
//! - `CAAS_SCREENSHOT_DIR`: where failure screenshots go (default
//!   `target/browser-screenshots` in the cargo target directory).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, missing_docs)]

pub use wd::{Client, Element, Locator};

use anyhow::{bail, Context as _};
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// How long a step waits for an element or a page before giving up.
pub const WAIT: Duration = Duration::from_secs(15);
/// How often waits poll the page.
const POLL: Duration = Duration::from_millis(50);
/// How long chromedriver may take to accept connections.
const DRIVER_START: Duration = Duration::from_secs(20);

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
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
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

/// One browser for one test: the WebDriver session, the chromedriver behind
/// it and the temporary Chromium profile.
pub struct Browser {
    pub c: Client,
    test: &'static str,
    shots: PathBuf,
    // Dropped in this order: first the driver (and its browsers), then the profile.
    driver: Chromedriver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium for test `test`.
    ///
    /// `None` means "skip": chromedriver is not installed and the environment
    /// does not require a browser. With `CAAS_REQUIRE_BROWSER=1` a missing
    /// chromedriver panics instead.
    pub async fn start(test: &'static str) -> Option<Browser> {
        if !Path::new(CHROMEDRIVER).exists() {
            if std::env::var("CAAS_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!(
                    "{test}: CAAS_REQUIRE_BROWSER=1 but {CHROMEDRIVER} is not installed \
                     (apt-get install -y chromium chromium-driver)"
                );
            }
            eprintln!("skipped: chromedriver not installed");
            return None;
        }
        match Self::launch(test).await {
            Ok(b) => Some(b),
            Err(e) => panic!("{test}: cannot start the browser: {e:#}"),
        }
    }

    async fn launch(test: &'static str) -> anyhow::Result<Browser> {
        let driver = Chromedriver::start()?;
        let profile = tempfile::Builder::new()
            .prefix("caas-chromium-")
            .tempdir()?;
        let c = Client::connect(&driver.url, capabilities(profile.path()))
            .await
            .context("cannot open a WebDriver session with Chromium")?;
        Ok(Browser {
            c,
            test,
            shots: screenshot_dir(),
            driver,
            _profile: profile,
        })
    }

    /// Runs one named step. On failure saves `<test>--<step>.png` (and the page
    /// source as `.html`) and returns an error naming the step.
    pub async fn step<T>(
        &self,
        name: &str,
        body: impl Future<Output = anyhow::Result<T>>,
    ) -> anyhow::Result<T> {
        let started = Instant::now();
        match body.await {
            Ok(v) => {
                eprintln!(
                    "[{}] ok   {name} ({} ms)",
                    self.test,
                    started.elapsed().as_millis()
                );
                Ok(v)
            }
            Err(e) => {
                eprintln!("[{}] FAIL {name}: {e:#}", self.test);
                let url = self
                    .c
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_else(|_| "?".into());
                let shot = match self.save_evidence(name).await {
                    Ok(path) => format!("screenshot: {}", path.display()),
                    Err(se) => format!("no screenshot: {se:#}"),
                };
                Err(e.context(format!("step `{name}` failed at {url} ({shot})")))
            }
        }
    }

    async fn save_evidence(&self, step: &str) -> anyhow::Result<PathBuf> {
        std::fs::create_dir_all(&self.shots)
            .with_context(|| format!("cannot create {}", self.shots.display()))?;
        let base = format!("{}--{}", slug(self.test), slug(step));
        if let Ok(html) = self.c.source().await {
            let _ = std::fs::write(self.shots.join(format!("{base}.html")), html);
        }
        let png = self.c.screenshot().await.context("screenshot failed")?;
        let path = self.shots.join(format!("{base}.png"));
        std::fs::write(&path, png).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(path)
    }

    /// Ends the session and the browser, then fails the test if `outcome` is an error.
    pub async fn finish(self, outcome: anyhow::Result<()>) {
        let Browser {
            c, test, driver, ..
        } = self;
        let _ = tokio::time::timeout(Duration::from_secs(10), c.close()).await;
        drop(driver);
        if let Err(e) = outcome {
            panic!("{test}: {e:#}");
        }
    }

    // ---- small vocabulary for steps -------------------------------------

    pub async fn goto(&self, url: &str) -> anyhow::Result<()> {
        self.c
            .goto(url)
            .await
            .with_context(|| format!("cannot open {url}"))
    }

    /// Waits for an element matching the CSS selector.
    pub async fn el(&self, css: &str) -> anyhow::Result<Element> {
        self.c
            .wait()
            .at_most(WAIT)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("no element `{css}` within {WAIT:?}"))
    }

    /// Waits for an element matching the XPath expression.
    pub async fn xpath(&self, xpath: &str, what: &str) -> anyhow::Result<Element> {
        self.c
            .wait()
            .at_most(WAIT)
            .every(POLL)
            .for_element(Locator::XPath(xpath))
            .await
            .with_context(|| format!("no {what} within {WAIT:?} (xpath {xpath})"))
    }

    /// Waits for the element `#id` whose text contains `text`.
    pub async fn id_with_text(&self, id: &str, text: &str) -> anyhow::Result<Element> {
        let xp = format!(
            "//*[@id={}][contains(normalize-space(.), {})]",
            xpath_str(id),
            xpath_str(text)
        );
        self.xpath(&xp, &format!("#{id} containing {text:?}")).await
    }

    /// Replaces the value of the field matching `css`.
    pub async fn fill(&self, css: &str, value: &str) -> anyhow::Result<()> {
        let field = self.el(css).await?;
        field
            .clear()
            .await
            .with_context(|| format!("cannot clear `{css}`"))?;
        field
            .send_keys(value)
            .await
            .with_context(|| format!("cannot type into `{css}`"))
    }

    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        self.el(css)
            .await?
            .click()
            .await
            .with_context(|| format!("cannot click `{css}`"))
    }

    /// Waits until the current URL's path is `path`.
    pub async fn wait_path(&self, path: &str) -> anyhow::Result<()> {
        let started = Instant::now();
        loop {
            let url = self.c.current_url().await?;
            if url.path() == path {
                return Ok(());
            }
            if started.elapsed() > WAIT {
                bail!("expected to be on {path} but the browser is on {url}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    pub async fn text(&self, css: &str) -> anyhow::Result<String> {
        self.el(css).await?.text().await
    }

    /// Whether nothing on the current page matches `css` (no waiting).
    pub async fn absent(&self, css: &str) -> anyhow::Result<bool> {
        match self.c.find(Locator::Css(css)).await {
            Ok(_) => Ok(false),
            Err(e) if wd::is_missing(&e) => Ok(true),
            Err(e) => Err(e),
        }
    }

    /// Path (and query) of the current page.
    pub async fn path(&self) -> anyhow::Result<String> {
        let url = self.c.current_url().await?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        })
    }
}

/// Fills and submits the login form on the current page; does not wait for
/// the next page.
pub async fn submit_login(b: &Browser, email: &str, password: &str) -> anyhow::Result<()> {
    b.fill("#email", email).await?;
    b.fill("#password", password).await?;
    b.click("#login-submit").await
}

/// A string literal for XPath 1.0 (which has no escapes).
pub fn xpath_str(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// `CAAS_SCREENSHOT_DIR`, or `browser-screenshots` in cargo's target directory
/// (found from this test binary's path, `<target>/<profile>/deps/browser-…`).
fn screenshot_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CAAS_SCREENSHOT_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("browser-screenshots")
}

/// A small W3C WebDriver client (the subset these journeys use), with
/// fantoccini's names so the tests can move to fantoccini unchanged once it
/// can build a client in this workspace.
pub mod wd {
    use anyhow::Context as _;
    use serde_json::{json, Value};
    use std::time::{Duration, Instant};

    /// The W3C element reference key.
    const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

    /// How to find an element.
    #[derive(Debug, Clone, Copy)]
    pub enum Locator<'a> {
        Css(&'a str),
        XPath(&'a str),
    }

    impl Locator<'_> {
        fn body(&self) -> Value {
            match self {
                Locator::Css(s) => json!({"using": "css selector", "value": s}),
                Locator::XPath(s) => json!({"using": "xpath", "value": s}),
            }
        }
    }

    /// An error the WebDriver server reported (`no such element`, …).
    #[derive(Debug)]
    pub struct WebDriverError {
        pub error: String,
        pub message: String,
    }

    impl std::fmt::Display for WebDriverError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let first_line = self.message.lines().next().unwrap_or_default();
            write!(f, "webdriver: {}: {first_line}", self.error)
        }
    }

    impl std::error::Error for WebDriverError {}

    /// Whether `e` is the server saying an element is (not yet) there.
    pub fn is_missing(e: &anyhow::Error) -> bool {
        e.downcast_ref::<WebDriverError>()
            .is_some_and(|w| w.error == "no such element" || w.error == "stale element reference")
    }

    /// A WebDriver session.
    #[derive(Clone)]
    pub struct Client {
        http: reqwest::Client,
        session: String,
    }

    impl Client {
        /// Opens a session on the WebDriver server at `webdriver` with `capabilities`.
        pub async fn connect(
            webdriver: &str,
            capabilities: serde_json::Map<String, Value>,
        ) -> anyhow::Result<Client> {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()?;
            let base = webdriver.trim_end_matches('/');
            let resp = http
                .post(format!("{base}/session"))
                .json(&json!({"capabilities": {"alwaysMatch": capabilities}}))
                .send()
                .await
                .context("cannot reach the WebDriver server")?;
            let value = unwrap_value(resp).await?;
            let id = value["sessionId"]
                .as_str()
                .context("no sessionId in the new-session response")?;
            Ok(Client {
                http,
                session: format!("{base}/session/{id}"),
            })
        }

        async fn cmd(
            &self,
            method: reqwest::Method,
            path: &str,
            body: Option<Value>,
        ) -> anyhow::Result<Value> {
            let mut req = self.http.request(method, format!("{}{path}", self.session));
            if let Some(body) = body {
                req = req.json(&body);
            }
            unwrap_value(req.send().await?).await
        }

        async fn get(&self, path: &str) -> anyhow::Result<Value> {
            self.cmd(reqwest::Method::GET, path, None).await
        }

        async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
            self.cmd(reqwest::Method::POST, path, Some(body)).await
        }

        /// Ends the session (the server closes the browser).
        pub async fn close(self) -> anyhow::Result<()> {
            self.cmd(reqwest::Method::DELETE, "", None).await.map(drop)
        }

        /// Navigates to `url` and waits for the page to load.
        pub async fn goto(&self, url: &str) -> anyhow::Result<()> {
            self.post("/url", json!({ "url": url })).await.map(drop)
        }

        pub async fn current_url(&self) -> anyhow::Result<reqwest::Url> {
            let v = self.get("/url").await?;
            let s = v.as_str().context("the current URL is not a string")?;
            reqwest::Url::parse(s).with_context(|| format!("bad current URL {s:?}"))
        }

        /// The first element matching `search`, now (no waiting).
        pub async fn find(&self, search: Locator<'_>) -> anyhow::Result<Element> {
            let v = self.post("/element", search.body()).await?;
            let id = v[ELEMENT_KEY]
                .as_str()
                .context("no element reference in the response")?;
            Ok(Element {
                client: self.clone(),
                id: id.to_owned(),
            })
        }

        /// The page's HTML as the browser sees it now.
        pub async fn source(&self) -> anyhow::Result<String> {
            Ok(self
                .get("/source")
                .await?
                .as_str()
                .unwrap_or_default()
                .to_owned())
        }

        /// A PNG of the viewport.
        pub async fn screenshot(&self) -> anyhow::Result<Vec<u8>> {
            let v = self.get("/screenshot").await?;
            base64_decode(v.as_str().context("the screenshot is not a string")?)
        }

        pub fn wait(&self) -> Wait<'_> {
            Wait {
                client: self,
                timeout: Duration::from_secs(30),
                period: Duration::from_millis(250),
            }
        }
    }

    /// Polls the page until something appears (or the timeout passes).
    pub struct Wait<'c> {
        client: &'c Client,
        timeout: Duration,
        period: Duration,
    }

    impl Wait<'_> {
        pub fn at_most(mut self, timeout: Duration) -> Self {
            self.timeout = timeout;
            self
        }

        pub fn every(mut self, period: Duration) -> Self {
            self.period = period;
            self
        }

        /// Waits until an element matches `search`; other WebDriver errors end the wait at once.
        pub async fn for_element(self, search: Locator<'_>) -> anyhow::Result<Element> {
            let started = Instant::now();
            loop {
                match self.client.find(search).await {
                    Ok(e) => return Ok(e),
                    Err(e) if is_missing(&e) && started.elapsed() < self.timeout => {
                        tokio::time::sleep(self.period).await
                    }
                    Err(e) if is_missing(&e) => anyhow::bail!("timed out after {:?}", self.timeout),
                    Err(e) => return Err(e),
                }
            }
        }
    }

    /// An element of the current page.
    pub struct Element {
        client: Client,
        id: String,
    }

    impl Element {
        fn path(&self, what: &str) -> String {
            format!("/element/{}/{what}", self.id)
        }

        pub async fn click(&self) -> anyhow::Result<()> {
            self.client
                .post(&self.path("click"), json!({}))
                .await
                .map(drop)
        }

        pub async fn clear(&self) -> anyhow::Result<()> {
            self.client
                .post(&self.path("clear"), json!({}))
                .await
                .map(drop)
        }

        pub async fn send_keys(&self, text: &str) -> anyhow::Result<()> {
            self.client
                .post(&self.path("value"), json!({ "text": text }))
                .await
                .map(drop)
        }

        /// The rendered (visible) text.
        pub async fn text(&self) -> anyhow::Result<String> {
            Ok(self
                .client
                .get(&self.path("text"))
                .await?
                .as_str()
                .unwrap_or_default()
                .to_owned())
        }

        pub async fn attr(&self, name: &str) -> anyhow::Result<Option<String>> {
            Ok(self
                .client
                .get(&self.path(&format!("attribute/{name}")))
                .await?
                .as_str()
                .map(str::to_owned))
        }

        pub async fn prop(&self, name: &str) -> anyhow::Result<Option<String>> {
            Ok(
                match self
                    .client
                    .get(&self.path(&format!("property/{name}")))
                    .await?
                {
                    Value::Null => None,
                    Value::String(s) => Some(s),
                    other => Some(other.to_string()),
                },
            )
        }

        pub async fn is_displayed(&self) -> anyhow::Result<bool> {
            Ok(self
                .client
                .get(&self.path("displayed"))
                .await?
                .as_bool()
                .unwrap_or(false))
        }
    }

    /// The `value` of a WebDriver response, or its error.
    async fn unwrap_value(resp: reqwest::Response) -> anyhow::Result<Value> {
        let status = resp.status();
        let body: Value = resp
            .json()
            .await
            .with_context(|| format!("WebDriver answered {status} without JSON"))?;
        let value = body.get("value").cloned().unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(value);
        }
        Err(WebDriverError {
            error: value["error"]
                .as_str()
                .unwrap_or("unknown error")
                .to_owned(),
            message: value["message"].as_str().unwrap_or_default().to_owned(),
        }
        .into())
    }

    /// Standard base64 (as WebDriver sends screenshots) to bytes.
    fn base64_decode(s: &str) -> anyhow::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(s.len() / 4 * 3);
        let (mut acc, mut bits) = (0u32, 0u32);
        for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => anyhow::bail!("invalid base64 byte {c:#x}"),
            };
            acc = (acc << 6) | u32::from(v);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        Ok(out)
    }

    #[test]
    fn base64_decodes_padded_and_unpadded_input() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVsbG8h").unwrap(), b"hello!");
        assert_eq!(base64_decode("iVBORw0KGgo=").unwrap(), b"\x89PNG\r\n\x1a\n");
    }
}
