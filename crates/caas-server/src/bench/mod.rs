//! `caas bench`: starts a caas server with its embedded simulators on
//! loopback (SQLite in a temporary directory, or PostgreSQL in a fresh schema
//! of `--database-url`), seeds N customers with orders, and drives each
//! scenario with the in-process load generator, next to an in-process
//! hello-world axum server measured in the same run as the limit. It builds
//! nothing and asserts nothing: it prints a table. `caas bench purchases`
//! runs feature-store purchases end to end instead ([`purchases`]).

mod backlog;
pub mod cars;
mod load;
mod probes;
pub mod purchases;
mod report;
mod scenarios;
mod seed;

use crate::config::{Config, Secret};
use crate::startup::Application;
use anyhow::Context;
use clap::Args;
use report::{rss_bytes, Row};
use std::time::Duration;

/// What `caas bench` measures besides its default table.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum BenchTarget {
    /// N feature-store purchases end to end (purchases/s, confirmation →
    /// ACTIVE p50/p99, RSS).
    Purchases(purchases::PurchaseBenchArgs),
}

/// Options of `caas bench`.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// `caas bench purchases …`; without it, the request scenarios below.
    #[command(subcommand)]
    pub target: Option<BenchTarget>,
    /// `postgres://…` to run against PostgreSQL (a fresh schema is created
    /// and dropped); default: SQLite in a temporary directory.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Customers (each with a sale, a web session and an API token) to seed.
    #[arg(long, default_value_t = 1000)]
    pub customers: usize,
    /// Connections of the load generator; a comma list runs each.
    #[arg(long, value_delimiter = ',', default_value = "64")]
    pub concurrency: Vec<usize>,
    /// Seconds each scenario is measured (after one second of warm-up).
    #[arg(long, default_value_t = 5)]
    pub duration: u64,
    /// Scenarios to run: hello, healthz, order_api, expediente, login,
    /// webhooks, sales, claim.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "hello,healthz,order_api,expediente,login,webhooks,sales,claim"
    )]
    pub scenarios: Vec<String>,
    /// Events per second of the sustained webhook scenario (open loop), to
    /// see the applying jobs keep up; 0 skips it.
    #[arg(long, default_value_t = 200.0)]
    pub webhook_rate: f64,
    /// Job workers of the server (default: the server's own default).
    #[arg(long)]
    pub job_workers: Option<usize>,
    /// Due-job counts the job-claim probe measures.
    #[arg(long, value_delimiter = ',', default_value = "10,1000,10000,100000")]
    pub claim_sizes: Vec<usize>,
}

/// A database for the run; dropped at the end.
struct BenchDb {
    url: String,
    cleanup: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

async fn bench_db(base: Option<&str>) -> anyhow::Result<BenchDb> {
    match base {
        Some(base) if base.starts_with("postgres") => {
            let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
            caas_store_postgres::create_schema(base, &schema).await?;
            let sep = if base.contains('?') { '&' } else { '?' };
            Ok(BenchDb {
                url: format!("{base}{sep}options=-c%20search_path%3D{schema}"),
                cleanup: Some((base.to_owned(), schema)),
                _dir: None,
            })
        }
        Some(url) => Ok(BenchDb {
            url: url.to_owned(),
            cleanup: None,
            _dir: None,
        }),
        None => {
            let dir = tempfile::tempdir()?;
            Ok(BenchDb {
                url: format!("sqlite://{}", dir.path().join("bench.db").display()),
                cleanup: None,
                _dir: Some(dir),
            })
        }
    }
}

impl BenchDb {
    async fn drop_schema(&self) {
        if let Some((base, schema)) = &self.cleanup {
            if let Err(e) = caas_store_postgres::drop_schema(base, schema).await {
                eprintln!("could not drop bench schema {schema}: {e}");
            }
        }
    }
}

/// Runs the bench and prints the report.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    if let Some(BenchTarget::Purchases(p)) = args.target {
        return purchases::run(p).await;
    }
    let db = bench_db(args.database_url.as_deref()).await?;
    let result = run_on(&args, &db).await;
    db.drop_schema().await;
    result
}

async fn run_on(args: &BenchArgs, db: &BenchDb) -> anyhow::Result<()> {
    let wants = |s: &str| args.scenarios.iter().any(|x| x == s);
    let mut config = Config {
        bind: "127.0.0.1:0".into(),
        database_url: Secret::new(&db.url),
        log_level: "warn".into(),
        ..Config::default()
    };
    if let Some(w) = args.job_workers {
        config.job_workers = w;
    }
    let workers = config.job_workers;
    let rss_start = rss_bytes();
    let hello = probes::start_hello().await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let application = Application::build(config, listener)
        .await
        .context("starting caas")?;
    let addr = application.address();
    let state = application.state().clone();
    let seller = application
        .demo_seller
        .clone()
        .context("the bench needs a fresh database (no demo seller was created)")?;
    let backend = state.app.store.backend_name();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until(async move {
        let _ = stopped.await;
    }));
    let rss_idle = rss_bytes();

    let t0 = std::time::Instant::now();
    let seeded = seed::seed(&state.app, &seller, args.customers.max(1)).await?;
    let seeding = t0.elapsed();
    let drained = backlog::drain_jobs(&state.app, Duration::from_secs(120)).await;
    println!(
        "caas bench — {backend}, {} customers seeded in {:.1} s (job queue drained in {:.1} s), {} cores, {} s per scenario, {} job workers",
        seeded.customers.len(),
        seeding.as_secs_f64(),
        drained.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        args.duration,
        workers
    );
    println!(
        "RSS: at start {}, server idle {}, after seeding {}",
        report::mb(rss_start),
        report::mb(rss_idle),
        report::mb(rss_bytes())
    );
    let sequences = std::sync::Arc::new(
        (0..seeded.customers.len())
            .map(|_| std::sync::atomic::AtomicI64::new(2))
            .collect(),
    );
    let ctx = scenarios::Ctx {
        addr,
        hello,
        state: state.clone(),
        seeded,
        duration: Duration::from_secs(args.duration),
        rate: None,
        sequences,
    };
    let mut rows: Vec<Row> = Vec::new();
    for &c in &args.concurrency {
        let limit = if wants("hello")
            || ["healthz", "order_api", "expediente", "sales"]
                .iter()
                .any(|s| wants(s))
        {
            let r = ctx.hello_world(c).await;
            let rate = r.rate;
            rows.push(r);
            Some(rate)
        } else {
            None
        };
        for name in ["healthz", "order_api", "expediente"] {
            if wants(name) {
                rows.push(ctx.read_scenario(name, c, limit).await);
            }
        }
    }
    let c = args.concurrency.first().copied().unwrap_or(64);
    if wants("login") {
        rows.push(ctx.login(c).await);
    }
    if wants("webhooks") {
        let probe = probes::raw_insert_probe(&db.url, ctx.duration).await?;
        // Paced first, on a quiet queue: does applying keep up at this rate?
        if args.webhook_rate > 0.0 {
            let paced = scenarios::Ctx {
                rate: Some(args.webhook_rate),
                duration: Duration::from_secs(args.duration * 2),
                ..ctx.clone()
            };
            rows.push(paced.webhooks(c, true, probe).await?);
        }
        rows.push(ctx.webhooks(c, false, probe).await?);
        // Last of the webhook rows: it leaves a backlog of notifications.
        rows.push(ctx.webhooks(c, true, probe).await?);
    }
    if wants("sales") {
        let limit = rows
            .iter()
            .find(|r| r.name == "hello world (limit)" && r.concurrency == c)
            .map(|r| r.rate);
        rows.push(ctx.sales(c, limit).await);
    }
    println!();
    print!("{}", report::table(&rows));
    if wants("claim") {
        println!();
        print!(
            "{}",
            probes::claim_table(args.database_url.as_deref(), &args.claim_sizes).await?
        );
    }
    println!();
    println!("RSS at the end: {}", report::mb(rss_bytes()));
    let _ = stop.send(());
    let _ = server.await;
    Ok(())
}
