//! PostgreSQL store: production. Job claiming uses `FOR UPDATE SKIP LOCKED` so
//! any number of workers in any number of processes never claim the same job.
//! Every commit that changes cached data also sends `NOTIFY` on a channel of
//! its schema, and a listener of every instance hands those invalidations to
//! its caches, so instances sharing a database never serve each other stale.

use async_trait::async_trait;
use caas_domain::job::Job;
use caas_domain::ports::{Invalidation, InvalidationHandler, Store, StoreError, StoreResult, Tx};
use caas_store_sql::conn::{map_acquire, Bus, Conn, Held, Ledger, TxState};
use caas_store_sql::{check_migrations, map_err, rows::JobRow};
use chrono::{DateTime, Duration, Utc};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{PgPool, Postgres};
use std::str::FromStr;
use std::sync::Arc;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

caas_store_sql::impl_document_backfill!(sqlx::PgPool);

/// How long a request waits for a free connection before the store answers busy.
const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Largest `NOTIFY` payload sent at once (PostgreSQL's limit is 8000 bytes).
const MAX_PAYLOAD: usize = 7000;
/// Read transactions: one snapshot for every statement, so a view assembled
/// from several queries never mixes before and after a concurrent commit.
/// One statement, so a cancelled request cannot leave it half begun.
const BEGIN_READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

/// Creates `schema` in the database at `base_url` (benches and tests get a
/// fresh schema each; point `search_path` at it in the URL).
pub async fn create_schema(base_url: &str, schema: &str) -> StoreResult<()> {
    schema_ddl(base_url, &format!("CREATE SCHEMA {}", plain_ident(schema)?)).await
}

/// Drops `schema` and everything in it.
pub async fn drop_schema(base_url: &str, schema: &str) -> StoreResult<()> {
    schema_ddl(
        base_url,
        &format!("DROP SCHEMA IF EXISTS {} CASCADE", plain_ident(schema)?),
    )
    .await
}

fn plain_ident(s: &str) -> StoreResult<&str> {
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

/// A transaction (or, for one-statement reads, a plain connection) on the PostgreSQL store.
pub struct PgTx {
    tx: Conn<Postgres>,
    st: TxState,
    channel: Arc<str>,
}

impl PgTx {
    /// Locks the rows a `…_for_update` read returns until the transaction ends.
    pub const ROW_LOCK: &'static str = "FOR UPDATE";
}

caas_store_sql::impl_repos!(PgTx);

/// The invalidations as `NOTIFY` payloads of at most [`MAX_PAYLOAD`] bytes.
fn payloads(changes: &[Invalidation]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in changes {
        let w = c.to_wire();
        match out.last_mut() {
            Some(last) if last.len() + 1 + w.len() <= MAX_PAYLOAD => {
                last.push(' ');
                last.push_str(&w);
            }
            _ => out.push(w),
        }
    }
    out
}

#[async_trait]
impl Tx for PgTx {
    async fn commit(self: Box<Self>) -> StoreResult<()> {
        let PgTx { tx, st, channel } = *self;
        if let Conn::Tx(mut t) = tx {
            // Sent inside the transaction: delivered only if it commits.
            for payload in payloads(&st.pending) {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(&*channel)
                    .bind(payload)
                    .execute(&mut *t)
                    .await
                    .map_err(map_err)?;
            }
            t.commit().await.map_err(map_err)?;
        }
        st.bus.publish(&st.pending);
        Ok(())
    }
}

/// The PostgreSQL implementation of [`Store`].
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    options: PgConnectOptions,
    ledger: Arc<Ledger>,
    bus: Arc<Bus>,
    channel: Arc<str>,
    /// The listener's own connection (absent on siblings, which share the first's).
    listener_pool: Option<PgPool>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

/// Pool settings every pool of the store shares.
fn pool_options(max: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max.max(1))
        .acquire_timeout(ACQUIRE_TIMEOUT)
}

fn pool_with(options: &PgConnectOptions, max: u32) -> PgPool {
    pool_options(max).connect_lazy_with(options.clone())
}

impl PgStore {
    /// Connects to `url` and applies the embedded migrations.
    #[tracing::instrument(skip_all)]
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url).map_err(map_err)?;
        let pool = pool_options(max_connections)
            .connect_with(options.clone())
            .await
            .map_err(map_err)?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migrations: {e}")))?;
        backfill_documents(&pool).await?;
        let (schema,): (String,) = sqlx::query_as("SELECT current_schema()")
            .fetch_one(&pool)
            .await
            .map_err(map_err)?;
        let channel: Arc<str> = format!(
            "caas_inv_{}",
            schema
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        )
        .to_lowercase()
        .into();
        let bus: Arc<Bus> = Arc::default();
        let listener_pool = pool_with(&options, 1);
        spawn_listener(listener_pool.clone(), channel.to_string(), bus.clone());
        Ok(Self {
            pool,
            options,
            ledger: Arc::default(),
            bus,
            channel,
            listener_pool: Some(listener_pool),
        })
    }

    /// Applies to the (empty) schema at `url` the migrations up to and
    /// including `version` only (the schema of an earlier release): upgrade
    /// tests fill it the old way, then [`PgStore::connect`] applies the rest.
    pub async fn migrate_until(url: &str, version: i64) -> StoreResult<PgPool> {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
            .map_err(map_err)?;
        caas_store_sql::migrator_until(&MIGRATOR, version)
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migrations: {e}")))?;
        Ok(pool)
    }

    /// The pool (tests use it to inspect raw rows).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    fn tx(&self, tx: Conn<Postgres>, held: Held) -> Box<dyn Tx> {
        Box::new(PgTx {
            tx,
            st: TxState::new(self.bus.clone(), held),
            channel: self.channel.clone(),
        })
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

/// Takes a connection and begins a transaction in a task of its own, so the
/// caller going away (a cancelled request) cannot interrupt it: sqlx counts a
/// transaction as open only once `BEGIN` has answered, and a future dropped
/// while waiting for that answer leaves the server inside a transaction that
/// nobody will end — the next user of the connection would then write into a
/// read-only transaction or read an old snapshot. Run to the end, an
/// abandoned transaction is dropped normally and rolled back.
async fn begin_to_the_end(
    pool: &PgPool,
    statement: &'static str,
) -> StoreResult<sqlx::Transaction<'static, Postgres>> {
    let pool = pool.clone();
    tokio::spawn(async move { pool.begin_with(statement).await })
        .await
        .map_err(|e| StoreError::Backend(format!("beginning a transaction: {e}")))?
        .map_err(map_acquire)
}

/// Listens on `channel` until the listener's pool is closed, handing every
/// notification to `bus`. After a lost connection it has reconnected by the
/// time it learns of the loss, and publishes [`Invalidation::All`] for what it
/// may have missed meanwhile.
fn spawn_listener(pool: PgPool, channel: String, bus: Arc<Bus>) {
    tokio::spawn(async move {
        while !pool.is_closed() {
            let mut listener = match PgListener::connect_with(&pool).await {
                Ok(l) => l,
                Err(e) => {
                    if pool.is_closed() {
                        return;
                    }
                    tracing::warn!(error = %e, "invalidation listener cannot connect; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(e) = listener.listen(&channel).await {
                tracing::warn!(error = %e, "invalidation listener cannot LISTEN; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
            bus.publish(&[Invalidation::All]);
            loop {
                match listener.try_recv().await {
                    Ok(Some(n)) => {
                        let changes: Vec<Invalidation> = n
                            .payload()
                            .split(' ')
                            .map(Invalidation::from_wire)
                            .collect();
                        bus.publish(&changes);
                    }
                    Ok(None) => bus.publish(&[Invalidation::All]),
                    Err(e) => {
                        if !pool.is_closed() {
                            tracing::warn!(error = %e, "invalidation listener lost; reconnecting");
                            bus.publish(&[Invalidation::All]);
                        }
                        break;
                    }
                }
            }
        }
    });
}

#[async_trait]
impl Store for PgStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }

    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        let held = self.ledger.enter()?;
        let tx = begin_to_the_end(&self.pool, "BEGIN").await?;
        Ok(self.tx(Conn::Tx(tx), held))
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        let held = self.ledger.enter()?;
        let tx = begin_to_the_end(&self.pool, BEGIN_READ).await?;
        Ok(self.tx(Conn::Tx(tx), held))
    }

    async fn single_read(&self) -> StoreResult<Box<dyn Tx>> {
        let held = self.ledger.enter()?;
        let conn = self.pool.acquire().await.map_err(map_acquire)?;
        Ok(self.tx(Conn::Plain(conn), held))
    }

    fn subscribe(&self, handler: InvalidationHandler) {
        self.bus.subscribe(handler);
    }

    async fn sibling(&self, connections: u32) -> StoreResult<Arc<dyn Store>> {
        Ok(Arc::new(Self {
            pool: pool_with(&self.options, connections),
            listener_pool: None,
            ..self.clone()
        }))
    }

    async fn ready(&self) -> StoreResult<()> {
        let _held = self.ledger.enter()?;
        let applied: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await
                .map_err(map_acquire)?;
        check_migrations(&applied, &MIGRATOR)
    }

    #[tracing::instrument(skip_all)]
    async fn claim_job(&self, now: DateTime<Utc>, lease: Duration) -> StoreResult<Option<Job>> {
        let _held = self.ledger.enter()?;
        static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let sql = SQL.get_or_init(|| caas_store_sql::claim_job_sql(caas_store_sql::POSTGRES_CLAIM));
        let row: Option<JobRow> = sqlx::query_as(sql)
            .bind(now)
            .bind(now + lease)
            .bind(uuid::Uuid::new_v4().simple().to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_acquire)?;
        row.map(Job::try_from).transpose()
    }

    async fn close(&self) {
        if let Some(l) = &self.listener_pool {
            l.close().await;
        }
        self.pool.close().await;
    }
}
