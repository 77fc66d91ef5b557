//! The browser-facing side of the gateway: the hosted card fields page
//! (`GET /v1/hosted/card-fields`, meant for an iframe of `parent_origin`)
//! and `POST /v1/tokens`, which the page (or a native app) calls with the
//! publishable key. Card data reaches only these endpoints; the secret-key
//! API refuses it.

use super::failure::Failure;
use super::hosted_page::{render, Locale};
use super::http::App;
use super::validate::object;
use crate::common::http::{check_bearer, parse_json_value_or_null, ApiError};
use crate::common::idempotency::{required_key, Begin};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use rand::RngCore;
use serde::Deserialize;

/// The routes of the hosted fields and the token endpoint (no secret key).
pub(crate) fn routes(app: App) -> Router {
    Router::new()
        .route("/v1/hosted/card-fields", get(card_fields))
        .route("/v1/tokens", post(create_token))
        .with_state(app)
}

/// Query of `GET /v1/hosted/card-fields`.
#[derive(Debug, Deserialize)]
struct FieldsQuery {
    publishable_key: Option<String>,
    locale: Option<String>,
    parent_origin: Option<String>,
}

/// The canonical origin of `parent_origin` when it is exactly an `http(s)`
/// origin (`scheme://host[:port]`: no path, query, fragment or credentials),
/// made only of characters that are safe in a CSP and a script.
pub fn valid_origin(text: &str) -> Option<String> {
    let url = reqwest::Url::parse(text).ok()?;
    let bare = url.path() == "/"
        && !text.ends_with('/')
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    let origin = url.origin().ascii_serialization();
    let safe = origin
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b".-:/[]".contains(&b));
    let web = matches!(url.scheme(), "http" | "https") && url.host().is_some();
    (bare && safe && web).then_some(origin)
}

fn bad(field: &str, message: &str) -> Response {
    ApiError::from(Failure::invalid(field, message)).into_response()
}

async fn card_fields(State(app): State<App>, Query(q): Query<FieldsQuery>) -> Response {
    if q.publishable_key.as_deref() != Some(&*app.publishable_key.0) {
        return bad("publishable_key", "Unknown publishable key");
    }
    let Some(origin) = q.parent_origin.as_deref().and_then(valid_origin) else {
        return bad(
            "parent_origin",
            "parent_origin must be an origin such as https://shop.example:8443",
        );
    };
    let Some(locale) = Locale::parse(q.locale.as_deref()) else {
        return bad("locale", "locale must be es or en");
    };
    let mut nonce = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut nonce);
    let nonce = base64::engine::general_purpose::STANDARD.encode(nonce);
    let csp = format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; \
         connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors {origin}"
    );
    let page = render(locale, &app.publishable_key.0, &origin, &nonce);
    let mut resp = (StatusCode::OK, page).into_response();
    let headers = resp.headers_mut();
    let mut set = |name, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    };
    set(header::CONTENT_TYPE, "text/html; charset=utf-8");
    set(header::CONTENT_SECURITY_POLICY, &csp);
    set(header::CACHE_CONTROL, "no-store");
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    resp
}

/// `POST /v1/tokens` with `Authorization: Bearer pk_…` and the card fields;
/// `Idempotency-Key` is required as on every POST of the gateway.
async fn create_token(
    State(app): State<App>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let pk = &app.publishable_key.0;
    if let Err(e) = check_bearer(&headers, pk) {
        return e.into_response();
    }
    let key = match required_key(&headers) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let body = match parse_json_value_or_null(&raw) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if let Err(f) = object(&body) {
        return ApiError::from(f).into_response();
    }
    let guard = match app.idem.begin(pk, &key, &method, uri.path(), &body) {
        Begin::Proceed(g) => g,
        other => return other.into_response(),
    };
    match app.gw.create_card_token(&body) {
        Ok(token) => guard.complete(StatusCode::CREATED, token),
        Err(f) => guard.complete_error(f.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::valid_origin;

    #[test]
    fn only_an_exact_http_origin_is_a_parent_origin() {
        assert_eq!(
            valid_origin("https://shop.example:8443").as_deref(),
            Some("https://shop.example:8443")
        );
        assert!(valid_origin("http://127.0.0.1:3000").is_some());
        assert_eq!(
            valid_origin("https://Shop.example:443").as_deref(),
            Some("https://shop.example")
        );
        for bad in [
            "",
            "*",
            "null",
            "https://shop.example/",
            "https://shop.example/path",
            "https://user@shop.example",
            "https://a;b",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://shop.example; script-src *",
        ] {
            assert_eq!(valid_origin(bad), None, "{bad}");
        }
    }
}
