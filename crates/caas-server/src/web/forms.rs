//! A form body with repeated fields (checkbox groups), which `axum::Form`
//! cannot read into a `Vec`, plus the mapping of field errors to a form.

use crate::web::render::FormErrors;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use caas_app::AppError;

/// Every `name=value` pair of an `application/x-www-form-urlencoded` body.
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// Parses a body.
    pub fn parse(body: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, or empty.
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether a checkbox `name` was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && !v.is_empty())
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| (StatusCode::BAD_REQUEST, "unreadable form").into_response())?;
        Ok(Self::parse(&bytes))
    }
}

/// One entry of a `<select>` or checkbox group.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Submitted value.
    pub value: String,
    /// Shown text.
    pub label: String,
    /// Pre-selected.
    pub selected: bool,
}

/// Choices whose label is their value; `selected` is pre-selected.
pub fn choices(values: &[&str], selected: &str) -> Vec<Choice> {
    values
        .iter()
        .map(|v| Choice {
            value: (*v).to_owned(),
            label: (*v).to_owned(),
            selected: *v == selected,
        })
        .collect()
}

/// The field errors of a validation failure, one message per field (several
/// messages of the same field joined); `None` for any other error.
pub fn field_errors(e: &AppError) -> Option<FormErrors> {
    let list: Vec<(String, String)> = match e {
        AppError::InvalidFields(list) => list
            .iter()
            .map(|f| (f.field.clone(), f.message.clone()))
            .collect(),
        AppError::Invalid { field, message } => vec![(field.clone(), message.clone())],
        _ => return None,
    };
    let mut out = FormErrors::default();
    for (field, message) in list {
        match out.0.iter_mut().find(|(f, _)| *f == field) {
            Some((_, m)) => {
                m.push_str("; ");
                m.push_str(&message);
            }
            None => out.add(&field, message),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_are_all_kept() {
        let f = FormData::parse(b"a=1&o=X&o=Y&m=on&e=");
        assert_eq!(f.get("a"), "1");
        assert_eq!(f.all("o"), vec!["X", "Y"]);
        assert!(f.checked("m"));
        assert!(!f.checked("e"));
        assert_eq!(f.get("missing"), "");
    }

    #[test]
    fn messages_of_one_field_are_joined() {
        let e = AppError::InvalidFields(vec![
            caas_app::error::FieldError {
                field: "a".into(),
                message: "x".into(),
            },
            caas_app::error::FieldError {
                field: "a".into(),
                message: "y".into(),
            },
        ]);
        assert_eq!(field_errors(&e).unwrap().get("a"), "x; y");
        assert!(field_errors(&AppError::NotFound).is_none());
    }
}
