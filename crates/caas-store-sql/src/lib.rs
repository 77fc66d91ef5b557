//! What the SQLite and PostgreSQL stores share: row types, row-to-domain
//! conversions, error mapping and one implementation of every repository port,
//! written once as a macro over the backend's transaction type. The SQL text
//! uses `$N` placeholders, which both engines accept. Only job claiming and
//! pool setup differ, and those live in the backend crates.

pub mod rows;

#[doc(hidden)]
pub mod __rt {
    pub use async_trait::async_trait;
    pub use caas_domain;
    pub use chrono;
    pub use serde_json;
    pub use sqlx;
}

mod repos;

use caas_domain::ports::StoreError;

/// Maps a driver error to a [`StoreError`], keeping constraint violations apart.
pub fn map_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() || db.is_foreign_key_violation() => {
            StoreError::Conflict(db.message().to_owned())
        }
        _ => StoreError::Backend(e.to_string()),
    }
}

/// Columns of the `jobs` table, in [`rows::JobRow`] order, for `RETURNING` clauses.
pub const JOB_COLUMNS: &str = "id, kind, payload, state, attempts, max_attempts, run_at, locked_until, lock_token, last_error, created_at, updated_at";
