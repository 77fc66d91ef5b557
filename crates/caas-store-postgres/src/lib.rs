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

/// Creates `schema` in the database at `base_url` (benches and tests get a
/// fresh schema each; point `search_path` at it in the URL).
pub async fn create_schema(base_url: &str, schema: &str) -> StoreResult<()> {
    schema_ddl(base_url, &format!("CREATE SCHEMA {}", quote_ident(schema)?)).await
}

/// Drops `schema` and everything in it.
pub async fn drop_schema(base_url: &str, schema: &str) -> StoreResult<()> {
    schema_ddl(
        base_url,
        &format!("DROP SCHEMA IF EXISTS {} CASCADE", quote_ident(schema)?),
    )
    .await
}

fn quote_ident(s: &str) -> StoreResult<&str> {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(s)
    } else {
        Err(StoreError::Backend(format!("not a plain schema name: {s}")))
    }
}

async fn schema_ddl(base_url: &str, sql: &str) -> StoreResult<()> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(base_url)
        .await
        .map_err(map_err)?;
    let r = sqlx::query(sql).execute(&pool).await.map_err(map_err);
    pool.close().await;
    r.map(|_| ())
}

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

    /// `caas bench` probe: single-row INSERTs in autocommit from `conns`
    /// connections for `duration` (pgbench's single-row INSERT, through sqlx);
    /// returns rows per second.
    pub async fn raw_insert_probe(
        &self,
        conns: usize,
        duration: std::time::Duration,
    ) -> StoreResult<f64> {
        use caas_store_sql::probe;
        sqlx::query(probe::CREATE)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        let started = std::time::Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for c in 0..conns {
            let pool = self.pool.clone();
            set.spawn(async move {
                let mut conn = pool.acquire().await.map_err(map_err)?;
                let mut n = 0u64;
                while started.elapsed() < duration {
                    sqlx::query(probe::INSERT)
                        .bind(format!("p{c}-{n}"))
                        .bind(probe::BODY)
                        .execute(&mut *conn)
                        .await
                        .map_err(map_err)?;
                    n += 1;
                }
                Ok::<u64, StoreError>(n)
            });
        }
        let mut total = 0;
        while let Some(r) = set.join_next().await {
            total += r.map_err(|e| StoreError::Backend(e.to_string()))??;
        }
        let rate = total as f64 / started.elapsed().as_secs_f64();
        sqlx::query(probe::DROP)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(rate)
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
