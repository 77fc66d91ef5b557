//! The access guard every routed handler sits behind. From the route table's
//! surface and access it resolves the caller (session cookie or bearer token),
//! enforces roles, checks CSRF on state-changing web forms, picks the language,
//! and hands handlers a [`Viewer`].

use crate::error::{ApiError, WebError};
use crate::extract::viewer::Viewer;
use crate::routes::{Access, Surface};
use crate::state::AppState;
use crate::web::cookies;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use caas_app::auth::sessions::authenticate;
use caas_app::secrets::random_token;
use caas_app::{AppError, RequestContext};
use caas_domain::account::Language;
use caas_domain::session::SessionKind;
use std::net::SocketAddr;

/// Largest body of a web form (urlencoded fields; no uploads).
pub const WEB_MAX_BODY: usize = 256 * 1024;
/// Largest body of an API request (JSON).
pub const API_MAX_BODY: usize = 1024 * 1024;
/// Largest body of a system endpoint: webhook receivers (the partner
/// contracts promise at most 64 KiB) and health and metrics (none).
pub const SYSTEM_MAX_BODY: usize = 64 * 1024;

impl Surface {
    /// The documented body limit of the surface; beyond it, 413.
    pub fn body_limit(self) -> usize {
        match self {
            Surface::Web => WEB_MAX_BODY,
            Surface::Api => API_MAX_BODY,
            Surface::System => SYSTEM_MAX_BODY,
        }
    }
}

/// The body, read whole if within `limit` (a `Content-Length` above it is
/// refused before anything is read); `None` when it is larger.
async fn bounded_body(req: Request, limit: usize) -> Option<Request> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return None;
    }
    let empty = declared == Some(0)
        || (declared.is_none() && !req.headers().contains_key(header::TRANSFER_ENCODING));
    if empty {
        return Some(req);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit).await.ok()?;
    Some(Request::from_parts(parts, Body::from(bytes)))
}

fn too_large(surface: Surface, lang: Language) -> Response {
    let e = AppError::TooLarge {
        limit_bytes: surface.body_limit(),
    };
    match surface {
        Surface::Web => WebError::new(e, lang).into_response(),
        Surface::Api | Surface::System => ApiError(e).into_response(),
    }
}

/// Correlation data of a request: request id, client address, user agent.
pub fn request_context(state: &AppState, req: &Request) -> RequestContext {
    let h = req.headers();
    let forwarded = state
        .trust_forwarded_for
        .then(|| h.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_owned());
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    RequestContext {
        request_id: h
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ip: forwarded.or(peer),
        user_agent: h
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

fn header_language(h: &HeaderMap) -> Option<Language> {
    h.get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
}

/// The guard itself; see the module docs.
pub async fn guard(
    state: AppState,
    surface: Surface,
    access: Access,
    req: Request,
    next: Next,
) -> Response {
    let ctx = request_context(&state, &req);
    let lang = header_language(req.headers()).unwrap_or_default();
    let Some(req) = bounded_body(req, surface.body_limit()).await else {
        return too_large(surface, lang);
    };
    match surface {
        Surface::System => {
            let lang = header_language(req.headers()).unwrap_or_default();
            let mut req = req;
            req.extensions_mut()
                .insert(Viewer::anonymous(lang, String::new(), ctx));
            next.run(req).await
        }
        Surface::Api => api_guard(state, access, ctx, req, next).await,
        Surface::Web => web_guard(state, access, ctx, req, next).await,
    }
}

async fn api_guard(
    state: AppState,
    access: Access,
    ctx: RequestContext,
    mut req: Request,
    next: Next,
) -> Response {
    let lang = header_language(req.headers());
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned());
    let auth = match bearer {
        Some(t) => authenticate(&state.app, &t, SessionKind::Api).await.ok(),
        None => None,
    };
    if let Err(e) = access.check(auth.as_ref().map(|(a, _)| a)) {
        let mut resp = ApiError(e).into_response();
        if resp.status() == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"caas\""),
            );
        }
        return resp;
    }
    let viewer = match auth {
        Some((account, session)) => Viewer {
            lang: lang.unwrap_or(account.language),
            account: Some(account),
            session: Some(session),
            csrf: String::new(),
            ctx,
        },
        None => Viewer::anonymous(lang.unwrap_or_default(), String::new(), ctx),
    };
    req.extensions_mut().insert(viewer);
    next.run(req).await
}

async fn web_guard(
    state: AppState,
    access: Access,
    ctx: RequestContext,
    req: Request,
    next: Next,
) -> Response {
    let jar = axum_extra::extract::cookie::CookieJar::from_headers(req.headers());
    let auth = match jar.get(cookies::SESSION) {
        Some(c) => authenticate(&state.app, c.value(), SessionKind::Web)
            .await
            .ok(),
        None => None,
    };
    let lang = auth
        .as_ref()
        .map(|(a, _)| a.language)
        .or_else(|| {
            jar.get(cookies::LANG)
                .and_then(|c| Language::parse(c.value()).ok())
        })
        .or_else(|| header_language(req.headers()))
        .unwrap_or_default();
    let (csrf, new_csrf_cookie) = match (&auth, jar.get(cookies::CSRF)) {
        (Some((_, s)), _) => (s.csrf_token.clone(), false),
        (None, Some(c)) if c.value().len() >= 16 => (c.value().to_owned(), false),
        (None, _) => (random_token(24), true),
    };

    let mut req = req;
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let (parts, body) = req.into_parts();
        // Already read whole within the web limit by `bounded_body`.
        let Ok(bytes) = axum::body::to_bytes(body, WEB_MAX_BODY).await else {
            return too_large(Surface::Web, lang);
        };
        let sent = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.into_owned());
        if !sent.is_some_and(|s| constant_time_eq(s.as_bytes(), csrf.as_bytes())) {
            tracing::warn!("form refused: missing or invalid CSRF token");
            return crate::web::render::csrf_refused(
                lang,
                new_csrf_cookie.then_some(&csrf),
                state.secure_cookies,
            );
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }

    if let Err(e) = access.check(auth.as_ref().map(|(a, _)| a)) {
        if matches!(e, AppError::Unauthenticated) {
            let next_path = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = format!("/login?next={}", urlencoding::encode(next_path));
            return Redirect::to(&target).into_response();
        }
        return WebError::new(e, lang).into_response();
    }

    let viewer = match auth {
        Some((account, session)) => Viewer {
            account: Some(account),
            session: Some(session),
            lang,
            csrf: csrf.clone(),
            ctx,
        },
        None => Viewer::anonymous(lang, csrf.clone(), ctx),
    };
    req.extensions_mut().insert(viewer);
    let mut resp = crate::error::with_page_language(lang, next.run(req)).await;
    if new_csrf_cookie {
        cookies::append(&mut resp, cookies::csrf_cookie(&csrf, state.secure_cookies));
    }
    resp
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
