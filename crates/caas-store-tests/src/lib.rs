//! Test harness shared by the conformance suite and the integration tests:
//! a fresh store per test on the backend chosen by the environment
//! (`CAAS_TEST_DATABASE_URL=postgres://…` → PostgreSQL, a new schema per test;
//! unset → SQLite in a new temporary directory), and a clock tests can move.

use caas_domain::clock::Clock;
use caas_domain::ports::Store;
use caas_store_postgres::PgStore;
use caas_store_sqlite::SqliteStore;
use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex};

/// A database for one test. Keep it alive for the test's duration.
pub struct TestDb {
    /// The store under test.
    pub store: Arc<dyn Store>,
    /// URL a server under test should use to reach the same database.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// Which backend the environment selects.
pub fn backend() -> &'static str {
    if postgres_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}

fn postgres_url() -> Option<String> {
    std::env::var("CAAS_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A URL for a fresh, empty database (nothing connected yet). For PostgreSQL
/// this creates a new schema and points `search_path` at it.
pub async fn fresh_database_url() -> anyhow::Result<(String, Option<tempfile::TempDir>)> {
    match postgres_url() {
        Some(base) => {
            let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
            let admin = sqlx::PgPool::connect(&base).await?;
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&admin)
                .await?;
            admin.close().await;
            let sep = if base.contains('?') { '&' } else { '?' };
            Ok((
                format!("{base}{sep}options=-c%20search_path%3D{schema}"),
                None,
            ))
        }
        None => {
            let dir = tempfile::tempdir()?;
            let url = format!("sqlite://{}", dir.path().join("caas.db").display());
            Ok((url, Some(dir)))
        }
    }
}

/// Opens a store on `url` with the backend its scheme names.
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    Ok(if url.starts_with("postgres") {
        Arc::new(PgStore::connect(url, 8).await?)
    } else {
        Arc::new(SqliteStore::connect(url).await?)
    })
}

/// A fresh, migrated store for one test.
pub async fn fresh_store() -> anyhow::Result<TestDb> {
    let (url, dir) = fresh_database_url().await?;
    let store = open_store(&url).await?;
    Ok(TestDb {
        store,
        url,
        _dir: dir,
    })
}

/// A clock that only moves when told to.
#[derive(Debug, Clone)]
pub struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    /// Starts at the current wall time, cut to microseconds (PostgreSQL's
    /// precision) so stored times read back equal.
    pub fn new() -> Self {
        let now = Utc::now();
        let micros = now.timestamp_micros();
        let now = DateTime::<Utc>::from_timestamp_micros(micros).unwrap_or(now);
        Self(Arc::new(Mutex::new(now)))
    }

    /// Moves time forward.
    pub fn advance(&self, d: Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += d;
        }
    }
}

impl Default for TestClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .map(|t| *t)
            .unwrap_or_else(|p| *p.into_inner())
    }
}
