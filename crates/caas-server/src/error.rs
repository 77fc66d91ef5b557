//! Mapping of [`AppError`] to HTTP: RFC 9457 problem+json for the API, a
//! friendly HTML page for the web. 5xx causes are logged, never shown.

use crate::web::i18n::Msg;
use crate::web::render::error_page;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use caas_app::AppError;
use caas_domain::account::Language;
use serde_json::json;

/// HTTP status and stable problem code of an application error.
pub fn classify(e: &AppError) -> (StatusCode, &'static str) {
    match e {
        AppError::Invalid { .. } | AppError::InvalidFields(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        }
        AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
        AppError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        AppError::BadCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
        AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
        AppError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
        AppError::Throttled { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
        AppError::Overloaded { .. } => (StatusCode::SERVICE_UNAVAILABLE, "overloaded"),
        AppError::TimedOut => (StatusCode::SERVICE_UNAVAILABLE, "timed_out"),
        AppError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        AppError::LinkInvalid => (StatusCode::GONE, "link_invalid"),
        AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
        AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
    }
}

fn log_if_internal(e: &AppError) {
    if let AppError::Internal(cause) = e {
        tracing::error!(error = %format!("{cause:#}"), "internal error");
    }
}

/// An API error, rendered as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        log_if_internal(&self.0);
        let (status, code) = classify(&self.0);
        let detail = match &self.0 {
            AppError::Internal(_) => {
                "An unexpected error occurred. It has been logged; quote the request id.".to_owned()
            }
            AppError::Throttled { retry_after_secs } => {
                format!(
                    "Too many failed attempts. Try again in {} minutes.",
                    (retry_after_secs + 59) / 60
                )
            }
            AppError::Overloaded { retry_after_secs } => {
                format!(
                    "The service is busy. Nothing was changed; try again in {retry_after_secs} s."
                )
            }
            other => other.to_string(),
        };
        let mut body = json!({
            "type": format!("/problems/{code}"),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": detail,
        });
        if let AppError::Invalid { field, message } = &self.0 {
            body["errors"] = json!([{ "field": field, "message": message }]);
        }
        if let AppError::InvalidFields(list) = &self.0 {
            body["errors"] = json!(list);
        }
        if let AppError::Conflict(refusal) = &self.0 {
            body["code"] = json!(refusal.code);
            body["detail"] = json!(refusal.en);
        }
        problem(status, body, &self.0)
    }
}

/// Builds a problem+json response.
pub fn problem(status: StatusCode, body: serde_json::Value, e: &AppError) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    set_retry_after(&mut resp, e);
    resp
}

/// `Retry-After` for the errors that have one (throttled, overloaded).
fn set_retry_after(resp: &mut Response, e: &AppError) {
    let secs = match e {
        AppError::Throttled { retry_after_secs } | AppError::Overloaded { retry_after_secs } => {
            *retry_after_secs
        }
        AppError::TimedOut => 5,
        _ => return,
    };
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
}

/// The answer to `e` for a request to `path`: problem+json on the API and
/// webhook receivers, a page in `lang` elsewhere (for middleware that runs
/// before the route's guard knows the surface).
pub fn answer_for_path(path: &str, lang: Language, e: AppError) -> Response {
    if path.starts_with("/api/") || path.starts_with("/webhooks/") {
        ApiError(e).into_response()
    } else {
        WebError::new(e, lang).into_response()
    }
}

tokio::task_local! {
    /// Language of the page being served: set by the web guard around every
    /// web handler, so an error converted with `?` renders in it.
    static PAGE_LANGUAGE: Language;
}

/// Runs `page` with `lang` as the language its errors render in.
pub async fn with_page_language<F: std::future::Future>(lang: Language, page: F) -> F::Output {
    PAGE_LANGUAGE.scope(lang, page).await
}

/// A web error, rendered as a friendly page in the viewer's language.
#[derive(Debug)]
pub struct WebError {
    /// The error.
    pub error: AppError,
    /// Language of the page.
    pub lang: Language,
}

impl WebError {
    /// Wraps an error for a viewer speaking `lang`.
    pub fn new(error: impl Into<AppError>, lang: Language) -> Self {
        Self {
            error: error.into(),
            lang,
        }
    }
}

/// `?` in a web handler: the page's language comes from the web guard.
impl<E: Into<AppError>> From<E> for WebError {
    fn from(e: E) -> Self {
        Self {
            error: e.into(),
            lang: PAGE_LANGUAGE.try_with(|l| *l).unwrap_or_default(),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        log_if_internal(&self.error);
        let (status, _) = classify(&self.error);
        let m = Msg::for_lang(self.lang);
        let text = match &self.error {
            AppError::NotFound => m.err_not_found.to_owned(),
            AppError::Forbidden => m.err_forbidden.to_owned(),
            AppError::Unauthenticated | AppError::BadCredentials => {
                m.err_unauthenticated.to_owned()
            }
            AppError::LinkInvalid => m.err_link_invalid.to_owned(),
            AppError::Throttled { retry_after_secs } => m
                .err_throttled
                .replace("{minutes}", &((retry_after_secs + 59) / 60).to_string()),
            AppError::Invalid { message, .. } | AppError::BadRequest(message) => message.clone(),
            AppError::Conflict(refusal) => refusal.text(self.lang).to_owned(),
            AppError::Overloaded { retry_after_secs } => m
                .err_overloaded
                .replace("{seconds}", &retry_after_secs.to_string()),
            AppError::TimedOut => m.err_timed_out.to_owned(),
            AppError::TooLarge { limit_bytes } => m
                .err_too_large
                .replace("{kib}", &(limit_bytes / 1024).to_string()),
            AppError::InvalidFields(list) => list
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
            AppError::Internal(_) => m.err_internal.to_owned(),
        };
        let mut resp = error_page(status, self.lang, &text);
        set_retry_after(&mut resp, &self.error);
        resp
    }
}
