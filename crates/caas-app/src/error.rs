//! The application error: what a use case can answer besides success.

use caas_domain::ports::StoreError;
use caas_domain::DomainError;
use thiserror::Error;

/// Failure of a use case, mapped by the server to HTTP.
#[derive(Debug, Error)]
pub enum AppError {
    /// Input failed validation (field and message for the user).
    #[error("{field}: {message}")]
    Invalid {
        /// Field name.
        field: String,
        /// Message.
        message: String,
    },
    /// Several inputs failed validation; each with its field and message.
    #[error("{} fields are invalid", .0.len())]
    InvalidFields(Vec<FieldError>),
    /// The request itself is malformed (unparseable body, wrong content type).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The resource does not exist for this caller (never says which).
    #[error("not found")]
    NotFound,
    /// Wrong email or password, or account unable to log in.
    #[error("invalid credentials")]
    BadCredentials,
    /// Not logged in, session expired or revoked.
    #[error("authentication required")]
    Unauthenticated,
    /// Logged in but the role does not allow it.
    #[error("forbidden")]
    Forbidden,
    /// Too many failed attempts; retry after that many seconds.
    #[error("too many attempts; retry in {retry_after_secs} s")]
    Throttled {
        /// Seconds to wait.
        retry_after_secs: i64,
    },
    /// An emailed link that is unknown, used or expired.
    #[error("this link is no longer valid")]
    LinkInvalid,
    /// The server is at capacity (password hashing queue full, database
    /// connections exhausted); retry after that many seconds. Nothing was done.
    #[error("the service is busy; retry in {retry_after_secs} s")]
    Overloaded {
        /// Seconds to wait.
        retry_after_secs: i64,
    },
    /// The request took longer than the server allows; it was abandoned.
    #[error("the request took too long and was stopped")]
    TimedOut,
    /// The request body is larger than this surface accepts.
    #[error("the request body is larger than {limit_bytes} bytes")]
    TooLarge {
        /// The limit.
        limit_bytes: usize,
    },
    /// A state conflict (duplicate, wrong state), with its code and texts.
    #[error("conflict: {0}")]
    Conflict(crate::refusal::Refusal),
    /// Anything else; logged with cause, shown generically.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => AppError::Conflict(m.into()),
            StoreError::Busy(_) => AppError::Overloaded {
                retry_after_secs: 1,
            },
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, message } => AppError::Invalid {
                field: field.to_owned(),
                message,
            },
            DomainError::Transition(m) => AppError::Conflict(m.into()),
        }
    }
}

/// One invalid input of a form or request body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// Field name (form field or JSON path).
    pub field: String,
    /// Message for the user.
    pub message: String,
}

/// Collects field errors so a form reports all of them at once.
#[derive(Debug, Default)]
pub struct Collect(pub Vec<FieldError>);

impl Collect {
    /// Keeps `r`'s value, or records its error and gives `None`.
    pub fn take<T>(&mut self, r: Result<T, DomainError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(DomainError::Invalid { field, message }) => {
                self.0.push(FieldError {
                    field: field.to_owned(),
                    message,
                });
                None
            }
            Err(DomainError::Transition(m)) => {
                self.0.push(FieldError {
                    field: "state".into(),
                    message: m,
                });
                None
            }
        }
    }

    /// Records an error on `field`.
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// `Err(InvalidFields)` if anything was recorded.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::InvalidFields(self.0))
        }
    }
}

/// Shorthand result.
pub type AppResult<T> = Result<T, AppError>;
