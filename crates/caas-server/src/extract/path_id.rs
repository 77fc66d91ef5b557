//! [`PathId`]: the one typed id a route's path names (`/orders/{order_id}`),
//! parsed by the extractor. A malformed id is the same 404 as an unknown
//! one — problem+json on the API, the page in the viewer's language on the
//! web — so no handler parses ids by hand.

use super::viewer::Viewer;
use crate::error::{ApiError, WebError};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use caas_app::AppError;

/// A typed id from the path (any id type: they all parse from `String`).
#[derive(Debug, Clone)]
pub struct PathId<T>(pub T);

/// The 404 of a malformed id, in the surface's own form.
#[derive(Debug)]
pub struct IdNotFound {
    api: bool,
    lang: caas_domain::account::Language,
}

impl IntoResponse for IdNotFound {
    fn into_response(self) -> Response {
        if self.api {
            ApiError(AppError::NotFound).into_response()
        } else {
            WebError::new(AppError::NotFound, self.lang).into_response()
        }
    }
}

impl<S, T> FromRequestParts<S> for PathId<T>
where
    S: Send + Sync,
    T: TryFrom<String> + Send,
{
    type Rejection = IdNotFound;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let not_found = IdNotFound {
            api: parts.uri.path().starts_with("/api/"),
            lang: parts
                .extensions
                .get::<Viewer>()
                .map(|v| v.lang)
                .unwrap_or_default(),
        };
        let Ok(Path(raw)) = Path::<String>::from_request_parts(parts, state).await else {
            return Err(not_found);
        };
        T::try_from(raw).map(PathId).map_err(|_| not_found)
    }
}

/// A code and a typed id from the path (`/options/{code}/offers/{offer_id}`):
/// the code as written, the id parsed; a malformed id is the same 404.
#[derive(Debug, Clone)]
pub struct PathCodeId<T>(pub String, pub T);

impl<S, T> FromRequestParts<S> for PathCodeId<T>
where
    S: Send + Sync,
    T: TryFrom<String> + Send,
{
    type Rejection = IdNotFound;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let not_found = IdNotFound {
            api: parts.uri.path().starts_with("/api/"),
            lang: parts
                .extensions
                .get::<Viewer>()
                .map(|v| v.lang)
                .unwrap_or_default(),
        };
        let Ok(Path((code, raw))) =
            Path::<(String, String)>::from_request_parts(parts, state).await
        else {
            return Err(not_found);
        };
        T::try_from(raw)
            .map(|id| PathCodeId(code, id))
            .map_err(|_| not_found)
    }
}
