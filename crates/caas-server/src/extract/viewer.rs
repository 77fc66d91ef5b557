//! The caller as resolved by the guard: account (if any), session, language,
//! CSRF token and correlation data.

use crate::error::{ApiError, WebError};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use caas_app::{AppError, RequestContext};
use caas_domain::account::{Account, Language};
use caas_domain::session::Session;

/// Who is calling (inserted by the guard into every routed request).
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Logged-in account.
    pub account: Option<Account>,
    /// Session or token in use.
    pub session: Option<Session>,
    /// Language to answer in.
    pub lang: Language,
    /// CSRF token to embed in forms.
    pub csrf: String,
    /// Correlation data.
    pub ctx: RequestContext,
}

impl Viewer {
    /// An anonymous caller.
    pub fn anonymous(lang: Language, csrf: String, ctx: RequestContext) -> Self {
        Self {
            account: None,
            session: None,
            lang,
            csrf,
            ctx,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Viewer>().cloned().ok_or_else(|| {
            ApiError(AppError::Internal(anyhow::anyhow!(
                "route mounted without the guard"
            )))
        })
    }
}

/// A logged-in web caller (the guard has already enforced access).
#[derive(Debug, Clone)]
pub struct WebUser {
    /// The account.
    pub account: Account,
    /// The session.
    pub session: Session,
    /// The whole viewer.
    pub viewer: Viewer,
}

impl<S: Send + Sync> FromRequestParts<S> for WebUser {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let v = parts.extensions.get::<Viewer>().cloned();
        match v {
            Some(viewer) => match (viewer.account.clone(), viewer.session.clone()) {
                (Some(account), Some(session)) => Ok(WebUser {
                    account,
                    session,
                    viewer,
                }),
                _ => Err(WebError::new(AppError::Unauthenticated, viewer.lang)),
            },
            None => Err(WebError::new(
                AppError::Unauthenticated,
                Language::default(),
            )),
        }
    }
}

/// A logged-in API caller.
#[derive(Debug, Clone)]
pub struct ApiUser {
    /// The account.
    pub account: Account,
    /// The bearer token's session.
    pub session: Session,
    /// Correlation data.
    pub ctx: RequestContext,
}

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let v = parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or(ApiError(AppError::Unauthenticated))?;
        match (v.account, v.session) {
            (Some(account), Some(session)) => Ok(ApiUser {
                account,
                session,
                ctx: v.ctx,
            }),
            _ => Err(ApiError(AppError::Unauthenticated)),
        }
    }
}

/// JSON body whose rejection is a problem+json error in the API's own words:
/// 400 when the body is not JSON (or not sent as JSON), 422 with the field
/// at fault in `errors[]` when it is JSON of the wrong shape. Never the
/// deserializer's internals (type names of this code).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json") || m.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError(AppError::BadRequest(
                "Send the body as JSON, with Content-Type: application/json.".into(),
            )));
        }
        let bytes = bytes::Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError(AppError::BadRequest("The body could not be read.".into())))?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a JSON body, naming the field at fault when the shape is wrong.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if !inner.is_data() {
                return Err(ApiError(AppError::BadRequest(format!(
                    "The body is not valid JSON (line {}, column {}).",
                    inner.line(),
                    inner.column()
                ))));
            }
            let (field, message) = shape_error(&path, &inner.to_string());
            Err(ApiError(AppError::Invalid { field, message }))
        }
    }
}

/// The field and a message for a JSON value of the wrong shape, without the
/// Rust type names serde puts in its messages.
fn shape_error(path: &str, raw: &str) -> (String, String) {
    let raw = raw.split(" at line ").next().unwrap_or(raw);
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let name = rest.trim_end_matches('`');
        let field = if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return (field, "is required".into());
    }
    let field = if path == "." {
        "body".to_owned()
    } else {
        path.to_owned()
    };
    let message = match raw.find(", expected ") {
        Some(i) => {
            let (got, expected) = (&raw[..i], &raw[i + ", expected ".len()..]);
            let expected = if expected.starts_with("struct ") || expected.starts_with("a map") {
                "a JSON object"
            } else if expected.starts_with("enum ")
                || expected.starts_with("internally tagged enum")
            {
                "one of the documented values"
            } else {
                expected
            };
            format!("{got}; expected {expected}")
        }
        None if raw.starts_with("unknown variant") => {
            raw.split(", expected").next().unwrap_or(raw).to_owned()
        }
        None => raw.to_owned(),
    };
    (field, message)
}

#[cfg(test)]
mod tests {
    use super::shape_error;

    #[test]
    fn shape_errors_name_the_field_and_hide_type_names() {
        assert_eq!(
            shape_error(".", "missing field `email` at line 1 column 2"),
            ("email".into(), "is required".into())
        );
        let (f, m) = shape_error(
            ".",
            "invalid type: integer `5`, expected struct TokenIn at line 1 column 1",
        );
        assert_eq!(f, "body");
        assert_eq!(m, "invalid type: integer `5`; expected a JSON object");
        let (f, m) = shape_error(
            "keys.auth",
            "invalid type: integer `1`, expected a string at line 1 column 9",
        );
        assert_eq!(
            (f.as_str(), m.as_str()),
            ("keys.auth", "invalid type: integer `1`; expected a string")
        );
    }
}
