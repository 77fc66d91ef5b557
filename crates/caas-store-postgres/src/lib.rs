//! PostgreSQL store: production. Job claiming uses `FOR UPDATE SKIP LOCKED` so
//! any number of workers in any number of processes never claim the same job.

use async_trait::async_trait;
use caas_domain::job::Job;
use caas_domain::ports::{Store, StoreError, StoreResult, Tx};
use caas_store_sql::{check_migrations, map_err, rows::JobRow};
use chrono::{DateTime, Duration, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};
use std::str::FromStr;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A transaction on the PostgreSQL store.
pub struct PgTx {
    tx: sqlx::Transaction<'static, Postgres>,
}

caas_store_sql::impl_repos!(PgTx);

#[async_trait]
impl Tx for PgTx {
    async fn commit(self: Box<Self>) -> StoreResult<()> {
        self.tx.commit().await.map_err(map_err)
    }
}

/// The PostgreSQL implementation of [`Store`].
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` and applies the embedded migrations.
    #[tracing::instrument(skip_all)]
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let opts = PgConnectOptions::from_str(url).map_err(map_err)?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(map_err)?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migrations: {e}")))?;
        Ok(Self { pool })
    }

    /// The pool (tests use it to inspect raw rows).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }

    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        let tx = self.pool.begin().await.map_err(map_err)?;
        Ok(Box::new(PgTx { tx }))
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        // One snapshot for every statement: a view assembled from several
        // queries (order, timeline, deliveries) never mixes before and after
        // a concurrent commit.
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        Ok(Box::new(PgTx { tx }))
    }

    async fn ready(&self) -> StoreResult<()> {
        let applied: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
        check_migrations(&applied, &MIGRATOR)
    }

    #[tracing::instrument(skip_all)]
    async fn claim_job(&self, now: DateTime<Utc>, lease: Duration) -> StoreResult<Option<Job>> {
        let sql = caas_store_sql::claim_job_sql("FOR UPDATE SKIP LOCKED");
        let row: Option<JobRow> = sqlx::query_as(&sql)
            .bind(now)
            .bind(now + lease)
            .bind(uuid::Uuid::new_v4().simple().to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.map(Job::try_from).transpose()
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
