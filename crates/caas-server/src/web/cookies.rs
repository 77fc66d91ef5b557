//! The cookies of the web surface.

use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, SameSite};

/// Session secret (HttpOnly, SameSite=Lax).
pub const SESSION: &str = "caas_session";
/// CSRF token of anonymous forms (double submit).
pub const CSRF: &str = "caas_csrf";
/// Language chosen before logging in.
pub const LANG: &str = "caas_lang";

fn base(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

/// The session cookie (browser-session lifetime; the server enforces expiry).
pub fn session_cookie(secret: &str, secure: bool) -> Cookie<'static> {
    base(SESSION, secret.to_owned(), secure)
}

/// Expires the session cookie.
pub fn clear_session_cookie(secure: bool) -> Cookie<'static> {
    let mut c = base(SESSION, String::new(), secure);
    c.make_removal();
    c
}

/// The anonymous CSRF cookie.
pub fn csrf_cookie(token: &str, secure: bool) -> Cookie<'static> {
    base(CSRF, token.to_owned(), secure)
}

/// The language cookie (one year).
pub fn lang_cookie(lang: &str, secure: bool) -> String {
    format!(
        "{LANG}={lang}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Appends a `Set-Cookie` header.
pub fn append(resp: &mut Response, cookie: impl ToString) {
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}
