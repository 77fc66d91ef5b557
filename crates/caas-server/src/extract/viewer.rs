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

/// JSON body whose rejection is a problem+json 400 rather than plain text.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(r) => Err(ApiError(AppError::BadRequest(r.body_text()))),
        }
    }
}
