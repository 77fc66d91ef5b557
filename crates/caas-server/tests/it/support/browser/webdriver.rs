//! A small W3C WebDriver client (the subset these journeys use), with
//! fantoccini's names so the tests can move to fantoccini unchanged once it
//! can build a client in this workspace.

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

    /// Runs `script` (a function body; `arguments` are `args`) in the
    /// current frame and returns what it returns.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> anyhow::Result<Value> {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Back from a frame to the top-level document.
    pub async fn enter_parent_frame(&self) -> anyhow::Result<()> {
        self.post("/frame/parent", json!({})).await.map(drop)
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

    /// Makes this `<iframe>`'s document receive the next commands.
    pub async fn enter_frame(&self) -> anyhow::Result<()> {
        self.client
            .post("/frame", json!({ "id": { ELEMENT_KEY: self.id } }))
            .await
            .map(drop)
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
