//! The `caas` command line: `serve`, `migrate`, `admin …`, `fleet …`, `sim …`, `bench`.

use crate::config::{Config, LogFormat};
use crate::startup::{build_app, open_store, shutdown_signal, Application};
use caas_app::auth::staff::{create_staff, NewStaff};
use caas_app::dealerships::create_dealership;
use caas_app::RequestContext;
use caas_domain::account::{Language, Role};
use caas_domain::clock::SystemClock;
use caas_domain::ids::DealershipId;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;

/// Car as a Service platform.
#[derive(Debug, Parser)]
#[command(name = "caas", version, about)]
pub struct Cli {
    /// Configuration file (optional; `CAAS_*` variables override it).
    #[arg(long, global = true, default_value = "caas.toml", env = "CAAS_CONFIG")]
    pub config: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve HTTP and run the job workers.
    Serve {
        /// Log as JSON lines.
        #[arg(long)]
        log_json: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Administration tasks.
    Admin {
        /// The task.
        #[command(subcommand)]
        task: AdminTask,
    },
    /// Measure: start a server with simulators, seed customers, drive load,
    /// print a table against an in-process hello-world server.
    Bench(crate::bench::BenchArgs),
    /// Fleet broker tasks (`broker-config`).
    Fleet {
        /// The task.
        #[command(subcommand)]
        task: crate::cli_fleet::FleetTask,
    },
    /// Run one partner simulator standalone.
    Sim {
        /// Which simulator.
        #[command(subcommand)]
        which: crate::cli_sim::SimCommand,
    },
}

/// Administration tasks.
#[derive(Debug, Subcommand)]
pub enum AdminTask {
    /// Create a staff account; its activation link is emailed (or held at /ops/mail).
    CreateStaff {
        /// SALES, DEALER_OPS, SUPPORT or ADMIN.
        #[arg(long)]
        role: String,
        /// Dealership id (`dlr_…`); required except for ADMIN.
        #[arg(long)]
        dealership: Option<String>,
        /// Login email.
        #[arg(long)]
        email: String,
        /// Display name (defaults to the email's local part).
        #[arg(long)]
        name: Option<String>,
        /// es or en.
        #[arg(long, default_value = "es")]
        language: String,
    },
    /// Create a dealership and print its id.
    CreateDealership {
        /// Trading name.
        #[arg(long)]
        name: String,
        /// ES, PT, FR, DE or IT.
        #[arg(long)]
        country: String,
        /// Town or city.
        #[arg(long)]
        locality: String,
    },
}

/// Runs the command line.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load(&cli.config)?;
    match cli.command {
        Command::Serve { log_json } => {
            if log_json {
                config.log_format = LogFormat::Json;
            }
            crate::telemetry::init(config.log_format, &config.log_level);
            serve(config).await
        }
        Command::Migrate => {
            crate::telemetry::init(config.log_format, &config.log_level);
            let store = open_store(&config).await?;
            store.ready().await?;
            println!("migrations applied ({})", store.backend_name());
            store.close().await;
            Ok(())
        }
        Command::Sim { which } => {
            crate::telemetry::init(config.log_format, &config.log_level);
            crate::cli_sim::run_sim(which).await
        }
        Command::Fleet { task } => crate::cli_fleet::run_fleet(&config, task),
        Command::Bench(args) => {
            crate::telemetry::init(config.log_format, "warn");
            crate::bench::run(args).await
        }
        Command::Admin { task } => {
            crate::telemetry::init(config.log_format, "warn");
            admin(config, task).await
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&config.bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
    let app = Application::build(config.clone(), listener).await?;
    let url = config.public_url(app.address());
    println!();
    println!(
        "caas is running on {url}  (database: {})",
        app.state().app.store.backend_name()
    );
    if let Some(admin) = &app.initial_admin {
        println!();
        println!("  First start: an administrator was created. This password is shown only once.");
        println!("    email:    {}", admin.email);
        println!("    password: {}", admin.password);
    }
    if let Some(seller) = &app.demo_seller {
        println!();
        println!(
            "  Demo dealership \"Concesionario Demo Madrid\" with a sales employee (shown once):"
        );
        println!("    email:    {}", seller.email);
        println!("    password: {}", seller.password);
    }
    println!();
    println!("  Log in:          {url}/login");
    println!("  Operations:      {url}/ops   (jobs {url}/ops/jobs, mail outbox {url}/ops/mail)");
    println!("  Intranet:        {url}/intranet");
    println!("  API docs:        {url}/api/docs/");
    println!("  Health:          {url}/healthz  {url}/readyz");
    if config.listener.metrics_token.is_some() {
        println!(
            "  Metrics:         curl -H \"Authorization: Bearer $CAAS_METRICS_TOKEN\" {url}/metrics"
        );
    } else {
        println!("  Metrics:         {url}/metrics   (loopback clients only; set metrics_token to scrape from elsewhere)");
    }
    if let Some(s) = app.simulators() {
        println!("  Simulators (embedded; a sale progresses through manufacturing on its own):");
        println!(
            "    factory  {}/_sim/orders   payments {}/_sim/intents",
            s.factory_url, s.payments_url
        );
        println!(
            "    sms      {}/_sim/messages push     {}/_sim/stats",
            s.sms_url, s.push_url
        );
        println!(
            "    registry {}/_sim/stats    carrier  {}/_sim/scenario",
            s.registry_url, s.carrier_url
        );
        println!("    vss      {}/_sim/vehicles/{{VIN}}", s.vss_url);
        if let Some(fleet) = app.fleet().and_then(|f| f.sim_url.clone()) {
            println!("    fleet    {fleet}/_sim/vehicles/{{VIN}}");
        }
    }
    if config.listener.tls_files().is_some() {
        println!("  HTTPS:           served here with tls_cert/tls_key (HSTS on)");
    }
    if config.smtp_url.is_none() {
        println!("  Mail: no SMTP configured; emails are kept in the outbox at {url}/ops/mail");
    }
    println!();
    app.run_until(shutdown_signal()).await
}

async fn admin(config: Config, task: AdminTask) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    let bound = config
        .bind
        .parse()
        .unwrap_or_else(|_| std::net::SocketAddr::from(([127, 0, 0, 1], 8080)));
    let app = build_app(
        &config,
        store.clone(),
        Arc::new(SystemClock),
        config.public_url(bound),
    )?;
    let ctx = RequestContext::cli();
    let result = match task {
        AdminTask::CreateStaff {
            role,
            dealership,
            email,
            name,
            language,
        } => {
            let input = NewStaff {
                role: Role::parse(&role.to_ascii_uppercase())?,
                dealership_id: dealership.as_deref().map(DealershipId::parse).transpose()?,
                name: name.unwrap_or_else(|| email.split('@').next().unwrap_or("staff").to_owned()),
                email,
                language: Language::parse(&language)?,
            };
            create_staff(&app, &ctx, "cli", &input).await.map(|a| {
                println!(
                    "created {} {} ({}); the activation link was queued for {}",
                    a.role.as_str(),
                    a.id,
                    a.status.as_str(),
                    a.email
                );
                println!("a running `caas serve` delivers it (without SMTP: read it at /ops/mail)");
            })
        }
        AdminTask::CreateDealership {
            name,
            country,
            locality,
        } => create_dealership(&app, &ctx, "cli", &name, &country, &locality)
            .await
            .map(|d| println!("{}", d.id)),
    };
    store.close().await;
    result.map_err(|e| anyhow::anyhow!("{e}"))
}
