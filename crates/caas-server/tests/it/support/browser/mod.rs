//! Headless-Chromium harness for the browser journeys: starts `chromedriver`
//! on a free port, opens a WebDriver session with a fresh profile, runs named
//! steps and, when a step fails, saves a screenshot (and the page source) named
//! after the test and the step before failing with the step's name.
//!
//! The WebDriver client is [`webdriver`], a small W3C WebDriver client over the
//! `reqwest` the tests already use, with fantoccini-like names (`Client`,
//! `Locator`, `wait().for_element(…)`). fantoccini was tried first; it brings
//! a second rustls crypto backend (aws-lc-rs beside reqwest's ring) and then
//! panics choosing a process-wide provider, so one small client keeps one TLS stack.
//!
//! Environment:
//! - `CAAS_REQUIRE_BROWSER=1`: a missing chromedriver fails the test instead
//!   of skipping it.
//! - `CAAS_SCREENSHOT_DIR`: where failure screenshots go (default
//!   `target/browser-screenshots` in the cargo target directory).

mod chromedriver;

pub use chromedriver::*;

pub use webdriver::{Client, Element, Locator};

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

    /// Starts a driver and a session, trying again with a new port when the
    /// first attempts lose a port race or the browser is slow to come up.
    async fn launch(test: &'static str) -> anyhow::Result<Browser> {
        let mut last = None;
        for _ in 0..3 {
            match Self::launch_once(test).await {
                Ok(b) => return Ok(b),
                Err(e) => {
                    eprintln!("[{test}] browser start failed, trying again: {e:#}");
                    last = Some(e);
                }
            }
        }
        Err(last.unwrap_or_else(|| anyhow::anyhow!("no attempt made")))
    }

    async fn launch_once(test: &'static str) -> anyhow::Result<Browser> {
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

    /// Saves `<test>--<name>.png` (and the page source) of a step that went
    /// well, as evidence of what the customer saw.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        self.save_evidence(name).await
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
            Err(e) if webdriver::is_missing(&e) => Ok(true),
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
/// (found from this test binary's path, `<target>/<profile>/deps/it-…`).
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

pub mod webdriver;
