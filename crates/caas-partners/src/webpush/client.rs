//! The Web Push HTTP sender implementing the [`PushApi`] port
//! (`shared/contracts/notification-providers.md` §3): encrypts each message
//! (RFC 8291), signs a VAPID token for the endpoint's origin (RFC 8292) and
//! maps the push service's answer to [`PushError`].

use std::time::Duration;

use async_trait::async_trait;
use caas_domain::partners::{CallError, PushApi, PushError, PushMessage, PushTarget};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{StatusCode, Url};

use super::b64url_decode;
use super::ece::{self, EceError, MAX_BODY_LEN, MAX_PLAINTEXT_LEN};
use super::vapid::{VapidError, VapidKeys};

/// Timeout of one push request (contract: 10 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The four `Urgency` values of RFC 8030 §5.3.
pub const URGENCIES: [&str; 4] = ["very-low", "low", "normal", "high"];

/// Configuration of [`WebPushClient`] (`VAPID_PUBLIC_KEY`,
/// `VAPID_PRIVATE_KEY`, `VAPID_SUBJECT`).
#[derive(Debug, Clone)]
pub struct WebPushConfig {
    /// The application server's VAPID key pair.
    pub vapid: VapidKeys,
    /// `sub` claim: `mailto:` or `https:` contact of the operator.
    pub subject: String,
    /// Timeout of one request; [`DEFAULT_TIMEOUT`] normally.
    pub timeout: Duration,
}

impl WebPushConfig {
    /// From the base64url keys and the subject, with the default timeout.
    pub fn from_base64url(public: &str, private: &str, subject: &str) -> Result<Self, VapidError> {
        if !(subject.starts_with("mailto:") || subject.starts_with("https:")) {
            return Err(VapidError::BadSubject);
        }
        Ok(Self {
            vapid: VapidKeys::from_base64url(public, private)?,
            subject: subject.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        })
    }
}

/// Sends Web Push messages over HTTP(S) with reqwest (rustls).
#[derive(Debug, Clone)]
pub struct WebPushClient {
    http: reqwest::Client,
    vapid: VapidKeys,
    subject: String,
}

impl WebPushClient {
    /// Builds the client; fails only if the HTTP client cannot be created.
    pub fn new(cfg: WebPushConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            http,
            vapid: cfg.vapid,
            subject: cfg.subject,
        })
    }

    /// Everything that can be checked before sending: size, keys, headers.
    fn prepare(&self, target: &PushTarget, msg: &PushMessage) -> Result<Prepared, PushError> {
        if msg.payload.len() > MAX_PLAINTEXT_LEN {
            return Err(PushError::Refused(format!(
                "payload of {} bytes exceeds {MAX_PLAINTEXT_LEN}",
                msg.payload.len()
            )));
        }
        if !URGENCIES.contains(&msg.urgency) {
            return Err(PushError::Refused(format!(
                "invalid urgency {:?}",
                msg.urgency
            )));
        }
        if let Some(topic) = &msg.topic {
            let ok = !topic.is_empty()
                && topic.len() <= 32
                && topic
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
            if !ok {
                return Err(PushError::Refused(format!("invalid topic {topic:?}")));
            }
        }
        let url = Url::parse(&target.endpoint)
            .map_err(|e| PushError::Refused(format!("invalid endpoint: {e}")))?;
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
            return Err(PushError::Refused("endpoint must be an http(s) URL".into()));
        }
        let origin = url.origin().ascii_serialization();
        let ua_public = b64url_decode(&target.p256dh)
            .ok_or_else(|| PushError::Refused("p256dh is not base64url".into()))?;
        let auth = b64url_decode(&target.auth)
            .ok_or_else(|| PushError::Refused("auth is not base64url".into()))?;
        let body = ece::encrypt(&msg.payload, &ua_public, &auth).map_err(|e| match e {
            EceError::TooLarge(_) => PushError::Refused(e.to_string()),
            other => PushError::Refused(format!("subscription keys: {other}")),
        })?;
        if body.len() > MAX_BODY_LEN {
            return Err(PushError::Refused(
                "encrypted body exceeds 4096 bytes".into(),
            ));
        }
        let now = chrono::Utc::now().timestamp();
        let authorization = self.vapid.authorization(&origin, &self.subject, now);
        Ok(Prepared {
            url,
            body,
            authorization,
        })
    }
}

struct Prepared {
    url: Url,
    body: Vec<u8>,
    authorization: String,
}

#[async_trait]
impl PushApi for WebPushClient {
    #[tracing::instrument(skip_all, fields(endpoint_host = tracing::field::Empty))]
    async fn push(&self, target: &PushTarget, msg: &PushMessage) -> Result<(), PushError> {
        let p = self.prepare(target, msg)?;
        tracing::Span::current().record("endpoint_host", p.url.host_str().unwrap_or(""));
        let mut req = self
            .http
            .post(p.url)
            .header("TTL", msg.ttl_secs.to_string())
            .header("Urgency", msg.urgency)
            .header("Content-Encoding", "aes128gcm")
            .header("Content-Type", "application/octet-stream")
            .header("Authorization", p.authorization)
            .body(p.body);
        if let Some(topic) = &msg.topic {
            req = req.header("Topic", topic.as_str());
        }
        let resp = req.send().await.map_err(|e| {
            let what = if e.is_timeout() {
                "timeout"
            } else {
                "connection error"
            };
            PushError::Call(CallError::transient(format!("push {what}: {e}")))
        })?;
        let status = resp.status();
        let retry_after = retry_after_secs(resp.headers());
        if status == StatusCode::CREATED {
            return Ok(());
        }
        let text = resp.text().await.unwrap_or_default();
        let detail: String = text.chars().take(200).collect();
        Err(classify(status, retry_after, &detail))
    }

    fn vapid_public_key(&self) -> String {
        self.vapid.public_key()
    }
}

/// Maps a non-201 push service answer to the port's error.
fn classify(status: StatusCode, retry_after: Option<u64>, detail: &str) -> PushError {
    let message = format!("push service answered {status}: {detail}");
    match status.as_u16() {
        404 | 410 => PushError::Gone,
        429 | 500..=599 => PushError::Call(CallError::Transient {
            message,
            retry_after_secs: retry_after,
        }),
        _ => PushError::Refused(message),
    }
}

fn retry_after_secs(headers: &HeaderMap) -> Option<u64> {
    headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gone_refused_and_transient_statuses_are_classified_as_the_contract_says() {
        assert_eq!(classify(StatusCode::GONE, None, ""), PushError::Gone);
        assert_eq!(classify(StatusCode::NOT_FOUND, None, ""), PushError::Gone);
        for s in [400, 401, 403, 413] {
            let s = StatusCode::from_u16(s).unwrap();
            assert!(
                matches!(classify(s, None, ""), PushError::Refused(_)),
                "{s}"
            );
        }
        match classify(StatusCode::TOO_MANY_REQUESTS, Some(7), "") {
            PushError::Call(CallError::Transient {
                retry_after_secs, ..
            }) => {
                assert_eq!(retry_after_secs, Some(7))
            }
            other => panic!("{other:?}"),
        }
        for s in [500, 502, 503, 504] {
            let s = StatusCode::from_u16(s).unwrap();
            assert!(matches!(classify(s, None, ""), PushError::Call(_)), "{s}");
        }
    }
}
