//! SQLite store: the embedded default. One writer connection (SQLite allows one
//! writer at a time; a single connection avoids busy upgrades) and a small pool
//! of read-only connections, WAL journal, `busy_timeout`, foreign keys on.
//! Caches are invalidated in process only: one `caas` process per database file.

use async_trait::async_trait;
use caas_domain::job::Job;
use caas_domain::ports::{InvalidationHandler, Store, StoreError, StoreResult, Tx};
use caas_store_sql::conn::{map_acquire, Bus, Conn, Ledger, TxState};
use caas_store_sql::{check_migrations, map_err, rows::JobRow};
use chrono::{DateTime, Duration, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

caas_store_sql::impl_document_backfill!(sqlx::SqlitePool);

/// Read-only connections of a store (each sibling has its own).
const READERS: u32 = 4;
/// How long a request waits for a free connection before the store answers busy.
const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A transaction (or, for one-statement reads, a plain connection) on the SQLite store.
pub struct SqliteTx {
    tx: Conn<Sqlite>,
    st: TxState,
}

impl SqliteTx {
    /// No row locks: the single writer connection already serializes writers.
    pub const ROW_LOCK: &'static str = "";
}

caas_store_sql::impl_repos!(SqliteTx);

#[async_trait]
impl Tx for SqliteTx {
    async fn commit(self: Box<Self>) -> StoreResult<()> {
        let SqliteTx { tx, st } = *self;
        if let Conn::Tx(t) = tx {
            t.commit().await.map_err(map_err)?;
        }
        st.bus.publish(&st.pending);
        Ok(())
    }
}

/// The SQLite implementation of [`Store`].
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
    options: SqliteConnectOptions,
    ledger: Arc<Ledger>,
    bus: Arc<Bus>,
    /// False for siblings, which share the writer but must not close it.
    owns_writer: bool,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

fn reader_pool(options: &SqliteConnectOptions, n: u32) -> SqlitePool {
    SqlitePoolOptions::new()
        .max_connections(n.max(1))
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_lazy_with(options.clone().read_only(true))
}

impl SqliteStore {
    /// Opens (creating if needed, with its directory) the database file at
    /// `url` (`sqlite://path`) and applies the embedded migrations. The writer
    /// and reader pools share the file, so in-memory databases do not work.
    #[tracing::instrument(skip_all, fields(url = %url))]
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(map_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(10))
            .foreign_keys(true);
        if let Some(dir) = Path::new(options.get_filename()).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Backend(format!("creating {}: {e}", dir.display())))?;
            }
        }
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await
            .map_err(map_err)?;
        MIGRATOR
            .run(&writer)
            .await
            .map_err(|e| StoreError::Backend(format!("migrations: {e}")))?;
        backfill_documents(&writer).await?;
        let readers = reader_pool(&options, READERS);
        Ok(Self {
            writer,
            readers,
            options,
            ledger: Arc::default(),
            bus: Arc::default(),
            owns_writer: true,
        })
    }

    /// Creates the database at `url` with the migrations up to and including
    /// `version` only (the schema of an earlier release), and nothing else:
    /// upgrade tests fill it the old way, then [`SqliteStore::connect`]
    /// applies the rest.
    pub async fn migrate_until(url: &str, version: i64) -> StoreResult<SqlitePool> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(map_err)?
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(map_err)?;
        caas_store_sql::migrator_until(&MIGRATOR, version)
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migrations: {e}")))?;
        Ok(pool)
    }

    /// The writer pool (tests use it to inspect raw rows).
    pub fn pool(&self) -> &SqlitePool {
        &self.writer
    }

    fn state(&self, held: caas_store_sql::conn::Held) -> TxState {
        TxState::new(self.bus.clone(), held)
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
        let held = self.ledger.enter()?;
        let tx = self.writer.begin().await.map_err(map_acquire)?;
        Ok(Box::new(SqliteTx {
            tx: Conn::Tx(tx),
            st: self.state(held),
        }))
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        let held = self.ledger.enter()?;
        let tx = self.readers.begin().await.map_err(map_acquire)?;
        Ok(Box::new(SqliteTx {
            tx: Conn::Tx(tx),
            st: self.state(held),
        }))
    }

    async fn single_read(&self) -> StoreResult<Box<dyn Tx>> {
        let held = self.ledger.enter()?;
        let conn = self.readers.acquire().await.map_err(map_acquire)?;
        Ok(Box::new(SqliteTx {
            tx: Conn::Plain(conn),
            st: self.state(held),
        }))
    }

    fn subscribe(&self, handler: InvalidationHandler) {
        self.bus.subscribe(handler);
    }

    async fn sibling(&self, connections: u32) -> StoreResult<Arc<dyn Store>> {
        // The one writer is shared (SQLite has one); the readers are its own.
        Ok(Arc::new(Self {
            readers: reader_pool(&self.options, connections),
            owns_writer: false,
            ..self.clone()
        }))
    }

    async fn ready(&self) -> StoreResult<()> {
        let _held = self.ledger.enter()?;
        let applied: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = 1")
                .fetch_all(&self.readers)
                .await
                .map_err(map_acquire)?;
        check_migrations(&applied, &MIGRATOR)
    }

    #[tracing::instrument(skip_all)]
    async fn claim_job(&self, now: DateTime<Utc>, lease: Duration) -> StoreResult<Option<Job>> {
        // One writer connection: the UPDATE is the only claimer at any instant.
        let _held = self.ledger.enter()?;
        static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let sql = SQL.get_or_init(|| caas_store_sql::claim_job_sql(caas_store_sql::SQLITE_CLAIM));
        let row: Option<JobRow> = sqlx::query_as(sql)
            .bind(now)
            .bind(now + lease)
            .bind(uuid::Uuid::new_v4().simple().to_string())
            .fetch_optional(&self.writer)
            .await
            .map_err(map_acquire)?;
        row.map(Job::try_from).transpose()
    }

    async fn close(&self) {
        self.readers.close().await;
        if self.owns_writer {
            self.writer.close().await;
        }
    }
}
