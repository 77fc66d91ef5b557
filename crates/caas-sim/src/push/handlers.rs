//! HTTP handlers of the Web Push simulator: the push endpoint
//! (`POST /push/{id}`, RFC 8030 §5 with VAPID and RFC 8291 checks) and the
//! `/_sim/…` control endpoints tests use to play the browser.

use super::model::{PushState, ReceivedMessage, Scenario, Subscription};
use crate::common::http::{json_response, parse_json_value_or_null, ApiError};
use crate::common::{new_id, rfc3339};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use caas_partners::webpush::{verify_authorization, UserAgentKeys, MAX_BODY_LEN};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

type St = State<Arc<PushState>>;

const URGENCIES: [&str; 4] = ["very-low", "low", "normal", "high"];

/// `POST /push/{id}`: the push endpoint a subscription's `endpoint` names.
pub async fn push(
    State(st): St,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let delay = st.lock().faults.delay_ms;
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let (status, resp) = match accept(&st, &id, &headers, &body) {
        Ok((msg_id, ttl)) => {
            let mut resp = StatusCode::CREATED.into_response();
            let h = resp.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&format!("{}/m/{msg_id}", st.base_url)) {
                h.insert(header::LOCATION, v);
            }
            h.insert("ttl", HeaderValue::from(ttl));
            (201, resp)
        }
        Err(err) => (err.status.as_u16(), err.into_response()),
    };
    st.lock().count(status);
    tracing::debug!(subscription = %id, status, "push simulator answered");
    resp
}

/// All checks of one push request; on success the message is stored and
/// its id and TTL returned.
fn accept(
    st: &PushState,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(String, u64), ApiError> {
    {
        let mut inner = st.lock();
        let retry_after = inner.faults.retry_after_secs;
        if inner.faults.unavailable > 0 {
            inner.faults.unavailable -= 1;
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "service_unavailable",
                "Push service unavailable (scenario)",
            )
            .with_retry_after(retry_after));
        }
        if inner.faults.rate_limited > 0 {
            inner.faults.rate_limited -= 1;
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Slow down (scenario)",
            )
            .with_retry_after(retry_after));
        }
        match inner.subscriptions.get(id) {
            Some(sub) if !sub.gone => {}
            _ => {
                return Err(ApiError::new(
                    StatusCode::GONE,
                    "subscription_gone",
                    "No such subscription",
                ))
            }
        }
    }
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let authorization = text("authorization").ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Missing vapid Authorization",
        )
    })?;
    let now = chrono::Utc::now().timestamp();
    let (claims, k) = verify_authorization(authorization, &st.origin, now).map_err(|e| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            format!("VAPID: {e}"),
        )
    })?;
    let ttl: u64 = text("ttl")
        .ok_or_else(|| ApiError::invalid_request("Missing TTL header"))?
        .parse()
        .map_err(|_| ApiError::invalid_request("TTL must be a non-negative integer"))?;
    let urgency = text("urgency").unwrap_or("normal").to_owned();
    if !URGENCIES.contains(&urgency.as_str()) {
        return Err(ApiError::invalid_request(format!(
            "Invalid Urgency {urgency:?}"
        )));
    }
    let topic = text("topic").map(str::to_owned);
    if let Some(t) = &topic {
        let ok = !t.is_empty()
            && t.len() <= 32
            && t.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
        if !ok {
            return Err(ApiError::invalid_request(
                "Topic must be 1-32 base64url characters",
            ));
        }
    }
    if !text("content-encoding").is_some_and(|v| v.eq_ignore_ascii_case("aes128gcm")) {
        return Err(ApiError::invalid_request(
            "Content-Encoding must be aes128gcm",
        ));
    }
    if body.len() > MAX_BODY_LEN {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("Body of {} bytes exceeds {MAX_BODY_LEN}", body.len()),
        ));
    }

    let mut inner = st.lock();
    let Some(sub) = inner.subscriptions.get_mut(id).filter(|s| !s.gone) else {
        return Err(ApiError::new(
            StatusCode::GONE,
            "subscription_gone",
            "No such subscription",
        ));
    };
    if let Some(expected) = &sub.application_server_key {
        if *expected != k {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "VAPID key differs from the subscription's applicationServerKey",
            ));
        }
    }
    let plaintext = sub
        .keys
        .decrypt(body)
        .map_err(|e| ApiError::invalid_request(format!("Cannot decrypt the body: {e}")))?;
    let msg_id = new_id("m");
    sub.messages.push(ReceivedMessage {
        id: msg_id.clone(),
        received_at: rfc3339(chrono::Utc::now()),
        payload: serde_json::from_slice(&plaintext).unwrap_or(Value::Null),
        payload_text: String::from_utf8_lossy(&plaintext).into_owned(),
        ttl,
        urgency,
        topic,
        body_size: body.len(),
        vapid_public_key: k,
        vapid_subject: claims.sub,
    });
    Ok((msg_id, ttl))
}

/// `POST /_sim/subscriptions` (optional body `{"application_server_key"}`):
/// a new simulated browser subscription, answered in the
/// `PushSubscription.toJSON()` shape.
pub async fn create_subscription(State(st): St, body: Bytes) -> Response {
    let options = match parse_json_value_or_null(&body) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let application_server_key = options
        .get("application_server_key")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let id = new_id("sub");
    let keys = UserAgentKeys::generate();
    let json = subscription_json(&st, &id, &keys);
    let mut inner = st.lock();
    inner.subscriptions.insert(
        id,
        Subscription {
            keys,
            application_server_key,
            gone: false,
            messages: Vec::new(),
        },
    );
    inner.stats.subscriptions_created += 1;
    json_response(StatusCode::CREATED, &json)
}

fn subscription_json(st: &PushState, id: &str, keys: &UserAgentKeys) -> Value {
    json!({
        "endpoint": st.endpoint(id),
        "expirationTime": null,
        "keys": {"p256dh": keys.p256dh(), "auth": keys.auth()},
    })
}

fn unknown(id: &str) -> Response {
    ApiError::not_found("subscription_not_found", format!("No subscription {id}")).into_response()
}

/// `GET /_sim/subscriptions/{id}`: the subscription JSON plus sim state.
pub async fn get_subscription(State(st): St, Path(id): Path<String>) -> Response {
    let inner = st.lock();
    let Some(sub) = inner.subscriptions.get(&id) else {
        return unknown(&id);
    };
    json_response(
        StatusCode::OK,
        &json!({
            "id": id,
            "subscription": subscription_json(&st, &id, &sub.keys),
            "gone": sub.gone,
            "application_server_key": sub.application_server_key,
            "message_count": sub.messages.len(),
        }),
    )
}

/// `POST /_sim/subscriptions/{id}/gone`: the endpoint answers 410 from now on.
pub async fn mark_gone(State(st): St, Path(id): Path<String>) -> Response {
    match st.lock().subscriptions.get_mut(&id) {
        Some(sub) => {
            sub.gone = true;
            StatusCode::NO_CONTENT.into_response()
        }
        None => unknown(&id),
    }
}

/// `DELETE /_sim/subscriptions/{id}`: forgets it (the endpoint answers 410).
pub async fn delete_subscription(State(st): St, Path(id): Path<String>) -> Response {
    match st.lock().subscriptions.remove(&id) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => unknown(&id),
    }
}

/// `GET /_sim/subscriptions/{id}/messages`: decrypted messages, oldest first.
pub async fn messages(State(st): St, Path(id): Path<String>) -> Response {
    match st.lock().subscriptions.get(&id) {
        Some(sub) => json_response(StatusCode::OK, &json!({ "messages": sub.messages })),
        None => unknown(&id),
    }
}

/// `POST /_sim/scenario`: sets faults; answers the scenario in force.
pub async fn set_scenario(State(st): St, body: Bytes) -> Response {
    let scenario: Scenario = match crate::common::http::parse_json(&body) {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let mut inner = st.lock();
    inner.apply(&scenario);
    json_response(StatusCode::OK, &inner.scenario())
}

/// `GET /_sim/stats`: counters, subscription totals and the scenario.
pub async fn stats(State(st): St) -> Response {
    let inner = st.lock();
    let gone = inner.subscriptions.values().filter(|s| s.gone).count();
    let stored: usize = inner.subscriptions.values().map(|s| s.messages.len()).sum();
    json_response(
        StatusCode::OK,
        &json!({
            "subscriptions": inner.subscriptions.len(),
            "subscriptions_gone": gone,
            "messages_stored": stored,
            "counters": inner.stats,
            "scenario": inner.scenario(),
        }),
    )
}
