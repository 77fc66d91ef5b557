//! SQLite store: the embedded default. One writer connection (SQLite allows one
//! writer at a time; a single connection avoids busy upgrades) and a small pool
//! of read-only connections, WAL journal, `busy_timeout`, foreign keys on.

use async_trait::async_trait;
use caas_domain::job::Job;
use caas_domain::ports::{Store, StoreError, StoreResult, Tx};
use caas_store_sql::{check_migrations, map_err, rows::JobRow};
use chrono::{DateTime, Duration, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};
use std::path::Path;
use std::str::FromStr;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A transaction on the SQLite store.
pub struct SqliteTx {
    tx: sqlx::Transaction<'static, Sqlite>,
}

caas_store_sql::impl_repos!(SqliteTx);

#[async_trait]
impl Tx for SqliteTx {
    async fn commit(self: Box<Self>) -> StoreResult<()> {
        self.tx.commit().await.map_err(map_err)
    }
}

/// The SQLite implementation of [`Store`].
#[derive(Clone, Debug)]
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed, with its directory) the database file at
    /// `url` (`sqlite://path`) and applies the embedded migrations. The writer
    /// and reader pools share the file, so in-memory databases do not work.
    #[tracing::instrument(skip_all, fields(url = %url))]
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(map_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(10))
            .foreign_keys(true);
        if let Some(dir) = Path::new(opts.get_filename()).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Backend(format!("creating {}: {e}", dir.display())))?;
            }
        }
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await
            .map_err(map_err)?;
        MIGRATOR
            .run(&writer)
            .await
            .map_err(|e| StoreError::Backend(format!("migrations: {e}")))?;
        let readers = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts.read_only(true))
            .await
            .map_err(map_err)?;
        Ok(Self { writer, readers })
    }

    /// The writer pool (tests use it to inspect raw rows).
    pub fn pool(&self) -> &SqlitePool {
        &self.writer
    }

    /// `caas bench` probe: single-row INSERTs, each its own transaction, on
    /// the one writer connection for `duration`; returns rows per second.
    pub async fn raw_insert_probe(&self, duration: std::time::Duration) -> StoreResult<f64> {
        use caas_store_sql::probe;
        sqlx::query(probe::CREATE)
            .execute(&self.writer)
            .await
            .map_err(map_err)?;
        let started = std::time::Instant::now();
        let mut n = 0u64;
        while started.elapsed() < duration {
            sqlx::query(probe::INSERT)
                .bind(format!("p{n}"))
                .bind(probe::BODY)
                .execute(&self.writer)
                .await
                .map_err(map_err)?;
            n += 1;
        }
        let rate = n as f64 / started.elapsed().as_secs_f64();
        sqlx::query(probe::DROP)
            .execute(&self.writer)
            .await
            .map_err(map_err)?;
        Ok(rate)
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }

    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        let tx = self.writer.begin().await.map_err(map_err)?;
        Ok(Box::new(SqliteTx { tx }))
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        let tx = self.readers.begin().await.map_err(map_err)?;
        Ok(Box::new(SqliteTx { tx }))
    }

    async fn ready(&self) -> StoreResult<()> {
        let applied: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = 1")
                .fetch_all(&self.readers)
                .await
                .map_err(map_err)?;
        check_migrations(&applied, &MIGRATOR)
    }

    #[tracing::instrument(skip_all)]
    async fn claim_job(&self, now: DateTime<Utc>, lease: Duration) -> StoreResult<Option<Job>> {
        // One writer connection: the UPDATE is the only claimer at any instant.
        let sql = caas_store_sql::claim_job_sql("");
        let row: Option<JobRow> = sqlx::query_as(&sql)
            .bind(now)
            .bind(now + lease)
            .bind(uuid::Uuid::new_v4().simple().to_string())
            .fetch_optional(&self.writer)
            .await
            .map_err(map_err)?;
        row.map(Job::try_from).transpose()
    }

    async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }
}
