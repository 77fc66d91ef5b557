//! What the SQLite and PostgreSQL stores share: row types, row-to-domain
//! conversions, error mapping and one implementation of every repository port,
//! written once as a macro over the backend's transaction type. The SQL text
//! uses `$N` placeholders, which both engines accept. Only job claiming and
//! pool setup differ, and those live in the backend crates.

pub mod batch;
pub mod conn;
pub mod doc;
pub mod documents;
pub mod inbound;
pub mod jobs;
pub mod rows;
pub mod versions;

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

/// How a backend spells the parts of the claim statement that differ.
#[derive(Debug, Clone, Copy)]
pub struct ClaimDialect {
    /// After each candidate read: `FOR UPDATE SKIP LOCKED` on PostgreSQL.
    pub lock: &'static str,
    /// Index choice for the queued set (`INDEXED BY jobs_queued` on SQLite,
    /// whose planner without statistics prefers the `state` index and sorts).
    pub queued_index: &'static str,
    /// Index choice for the expired leases.
    pub running_index: &'static str,
}

/// The claim statement: the job whose lease expired first, else the earliest
/// due queued job, becomes running with a fresh lease and fencing token.
/// `$1` now, `$2` lease end, `$3` token. Each candidate comes from its own
/// `LIMIT 1` read in the order of a partial index (`jobs_running` on
/// `(locked_until, id)`, `jobs_queued` on `(run_at, id)`), so a claim costs
/// O(log n) however many jobs are due: an `OR` of the two sets could use
/// neither index and sorted every due row. PostgreSQL adds `FOR UPDATE SKIP
/// LOCKED` so concurrent claimers pass over each other's rows; SQLite has a
/// single writer and needs no lock clause.
pub fn claim_job_sql(d: ClaimDialect) -> String {
    let ClaimDialect {
        lock,
        queued_index,
        running_index,
    } = d;
    format!(
        "WITH lease AS (SELECT id FROM jobs {running_index} WHERE state = 'running' AND locked_until < $1 ORDER BY locked_until, id LIMIT 1 {lock}), \
              due AS (SELECT id FROM jobs {queued_index} WHERE state = 'queued' AND run_at <= $1 ORDER BY run_at, id LIMIT 1 {lock}) \
         UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = $2, lock_token = $3, updated_at = $1 \
         WHERE id = (SELECT id FROM lease UNION ALL SELECT id FROM due LIMIT 1) RETURNING {JOB_COLUMNS}"
    )
}

/// SQLite's claim dialect.
pub const SQLITE_CLAIM: ClaimDialect = ClaimDialect {
    lock: "",
    queued_index: "INDEXED BY jobs_queued",
    running_index: "INDEXED BY jobs_running",
};

/// PostgreSQL's claim dialect.
pub const POSTGRES_CLAIM: ClaimDialect = ClaimDialect {
    lock: "FOR UPDATE SKIP LOCKED",
    queued_index: "",
    running_index: "",
};

/// Fails unless every migration of `migrator` is among the `applied` versions.
pub fn check_migrations(
    applied: &[(i64,)],
    migrator: &sqlx::migrate::Migrator,
) -> Result<(), StoreError> {
    let missing = migrator
        .iter()
        .filter(|m| !applied.iter().any(|(v,)| *v == m.version))
        .count();
    if missing > 0 {
        return Err(StoreError::Backend(format!(
            "{missing} migrations not applied"
        )));
    }
    Ok(())
}

/// The first migrations of `migrator`, up to and including `version`: the
/// schema of an earlier release, for upgrade tests.
pub fn migrator_until(migrator: &sqlx::migrate::Migrator, version: i64) -> sqlx::migrate::Migrator {
    let migrations: Vec<sqlx::migrate::Migration> = migrator
        .iter()
        .filter(|m| m.version <= version)
        .cloned()
        .collect();
    sqlx::migrate::Migrator {
        migrations: migrations.into(),
        ..sqlx::migrate::Migrator::DEFAULT
    }
}

/// Columns of the `jobs` table, in [`rows::JobRow`] order, for `RETURNING` clauses.
pub const JOB_COLUMNS: &str = "id, kind, payload, state, attempts, max_attempts, run_at, locked_until, lock_token, last_error, created_at, updated_at";

/// The raw-insert probe of `caas bench`: the engine's single-row INSERT rate
/// through sqlx, the limit webhook ingest is compared to.
pub mod probe {
    /// Creates the probe table.
    pub const CREATE: &str =
        "CREATE TABLE IF NOT EXISTS bench_probe (id TEXT PRIMARY KEY, body TEXT NOT NULL)";
    /// One row.
    pub const INSERT: &str = "INSERT INTO bench_probe (id, body) VALUES ($1, $2)";
    /// Removes the probe table.
    pub const DROP: &str = "DROP TABLE IF EXISTS bench_probe";
    /// A body the size of a factory webhook.
    pub const BODY: &str = "{\"id\":\"evt_probe\",\"type\":\"order.estimate_revised\",\"occurred_at\":\"2026-03-02T11:00:00Z\",\"data\":{\"factory_order_id\":\"fo_7KD2M9\",\"order_reference\":\"ord_2026_000123\",\"sequence\":7,\"status\":\"in_production\",\"vin\":null,\"estimated_completion_date\":\"2026-05-04\",\"previous_estimated_completion_date\":\"2026-04-20\",\"reason_code\":\"component_shortage\",\"reason\":\"Heat pump supplier delay\"}}";
}
