//! The baselines `caas bench` compares caas to: a hello-world axum server,
//! the engine's raw single-row INSERT rate, and the cost of one job claim
//! at growing backlogs.

use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Starts the reference server: axum answering `Hello, World!` on `/`.
pub async fn start_hello() -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "Hello, World!" }));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(addr)
}

/// The engine's single-row INSERT rate on the run's database.
pub async fn raw_insert_probe(url: &str, duration: Duration) -> anyhow::Result<f64> {
    Ok(if url.starts_with("postgres") {
        let s = caas_store_postgres::PgStore::connect(url, 8).await?;
        let r = s.raw_insert_probe(8, duration).await?;
        caas_domain::ports::Store::close(&s).await;
        r
    } else {
        let s = caas_store_sqlite::SqliteStore::connect(url).await?;
        let r = s.raw_insert_probe(duration).await?;
        caas_domain::ports::Store::close(&s).await;
        r
    })
}

/// Cost of one job claim with 10 … 100k due jobs, on a database of its own.
pub async fn claim_table(base: Option<&str>, sizes: &[usize]) -> anyhow::Result<String> {
    let db = super::bench_db(base).await?;
    let result = claim_rows(&db.url, sizes).await;
    db.drop_schema().await;
    result
}

async fn claim_rows(url: &str, sizes: &[usize]) -> anyhow::Result<String> {
    let store: Arc<dyn caas_domain::ports::Store> = if url.starts_with("postgres") {
        Arc::new(caas_store_postgres::PgStore::connect(url, 4).await?)
    } else {
        Arc::new(caas_store_sqlite::SqliteStore::connect(url).await?)
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| due jobs | claims timed | mean per claim | p99 per claim |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|");
    let mut due = 0usize;
    let mut sizes = sizes.to_vec();
    sizes.sort_unstable();
    let base_time = chrono::Utc::now() - chrono::Duration::hours(1);
    let mut seq = 0i64;
    for size in sizes {
        while due < size {
            let mut tx = store.begin().await?;
            for _ in 0..(size - due).min(1000) {
                let job = caas_domain::job::NewJob {
                    id: caas_domain::ids::JobId::new(),
                    kind: "bench.noop".into(),
                    payload: serde_json::json!({}),
                    run_at: base_time + chrono::Duration::milliseconds(seq),
                    max_attempts: 1,
                    dedupe_key: None,
                };
                seq += 1;
                tx.enqueue_job(&job, base_time).await?;
                due += 1;
            }
            tx.commit().await?;
        }
        let claims = (size / 2).clamp(1, 300);
        let mut hist = super::report::Histogram::default();
        let t = Instant::now();
        for _ in 0..claims {
            let t1 = Instant::now();
            store
                .claim_job(chrono::Utc::now(), chrono::Duration::minutes(5))
                .await?;
            hist.record(t1.elapsed());
        }
        due -= claims;
        let mean = t.elapsed().as_secs_f64() * 1e6 / claims as f64;
        let _ = writeln!(
            out,
            "| {size} | {claims} | {mean:.0} µs | {} µs |",
            hist.quantile(0.99).as_micros()
        );
    }
    store.close().await;
    Ok(out)
}
