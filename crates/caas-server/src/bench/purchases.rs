//! `caas bench purchases`: N feature-store purchases end to end against the
//! embedded simulators (gateway with manual capture, fleet over MQTT), on
//! SQLite or on PostgreSQL with an external broker (Mosquitto). Cars are
//! seeded operational ([`super::cars`]); each car's owner buys baskets of
//! day passes through the API, one basket at a time, until its share is
//! bought. Prints purchases/s, confirmation → ACTIVE p50/p99 (from the
//! purchases' own recorded times) and the process's RSS. Asserts nothing.

use super::cars::{self, OperationalCar, FREE_OPTIONS};
use super::report::{mb, rss_bytes, Histogram};
use crate::config::{Config, Secret};
use crate::startup::Application;
use anyhow::Context;
use caas_domain::catalogue::{PeriodLength, PricingModel};
use caas_domain::purchase::{Purchase, PurchaseState, ServicePaymentState};
use clap::Args;
use std::time::{Duration, Instant};

/// Options of `caas bench purchases`.
#[derive(Debug, Clone, Args)]
pub struct PurchaseBenchArgs {
    /// `postgres://…` (a fresh schema, dropped after); default SQLite in a
    /// temporary directory.
    #[arg(long, env = "CAAS_BENCH_DATABASE_URL")]
    pub database_url: Option<String>,
    /// An external MQTT broker (`mqtt://127.0.0.1:1883`, Mosquitto) instead
    /// of the embedded one.
    #[arg(long, env = "CAAS_BENCH_MQTT_URL")]
    pub mqtt_url: Option<String>,
    /// Purchases to run.
    #[arg(long, default_value_t = 1000)]
    pub purchases: usize,
    /// Operational cars sharing them.
    #[arg(long, default_value_t = 50)]
    pub cars: usize,
    /// Seconds to wait for every purchase to settle.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
}

/// Whether a purchase is at rest: terminal, with its money settled too
/// (ACTIVE captured or in debt; failed with the authorisation voided).
pub fn settled(p: &Purchase) -> bool {
    use PurchaseState as S;
    use ServicePaymentState as P;
    match p.state {
        S::Active => matches!(p.payment.state, P::Captured | P::Debt),
        S::FailedNotCharged => !matches!(p.payment.state, P::Authorized | P::Captured),
        S::Rejected | S::PaymentDeclined | S::Expired | S::Withdrawn | S::Cancelled => true,
        S::Scheduled | S::Requested | S::Authorizing | S::Activating | S::RetryWait => false,
        S::Deactivating => false,
    }
}

/// Runs the purchase bench and prints its figures.
pub async fn run(args: PurchaseBenchArgs) -> anyhow::Result<()> {
    let db = super::bench_db(args.database_url.as_deref()).await?;
    let result = run_on(&args, &db.url).await;
    db.drop_schema().await;
    result
}

fn config(args: &PurchaseBenchArgs, db: &str) -> Config {
    let mut c = Config {
        bind: "127.0.0.1:0".into(),
        database_url: Secret::new(db),
        log_level: "warn".into(),
        sim_fast_payments: true,
        ..Config::default()
    };
    c.store.ota_backoff_base_secs = 1;
    c.store.ota_backoff_cap_secs = 2;
    c.delivery.sim_fleet_vehicles = 0;
    c.delivery.fleet_broker_url = args.mqtt_url.clone();
    c
}

async fn run_on(args: &PurchaseBenchArgs, db: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let application = Application::build(config(args, db), listener)
        .await
        .context("starting caas")?;
    let base = format!("http://{}", application.address());
    let state = application.state().clone();
    let app = state.app.clone();
    let seller = application
        .demo_seller
        .clone()
        .context("the bench needs a fresh database (no demo seller was created)")?;
    let fleet_url = application
        .fleet()
        .and_then(|f| f.sim_url.clone())
        .context("no embedded fleet simulator")?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until(async move {
        let _ = stopped.await;
    }));

    let t0 = Instant::now();
    let seeded = super::seed::seed(&app, &seller, args.cars.max(1)).await?;
    let http = reqwest::Client::new();
    let mut owners = Vec::new();
    for c in &seeded.customers {
        let order = caas_domain::ids::OrderId::parse(&c.order_id)?;
        let mut tx = app.store.begin().await?;
        let car =
            cars::make_operational_in(&mut *tx, &order, &cars::new_vin(), app.clock.now()).await?;
        tx.commit().await?;
        cars::add_to_fleet_sim(&http, &fleet_url, &car).await?;
        owners.push((car, c.api_secret.clone()));
    }
    wait_for_reports(&app, &owners).await?;
    let offers = day_offers(&app).await?;
    println!(
        "caas bench purchases — {}, broker {}, {} cars seeded in {:.1} s, {} cores",
        app.store.backend_name(),
        args.mqtt_url.as_deref().unwrap_or("embedded rumqttd"),
        owners.len(),
        t0.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );

    let per_car = args.purchases.div_ceil(owners.len().max(1));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.timeout);
    let mut tasks = tokio::task::JoinSet::new();
    for (car, token) in owners.clone() {
        let (http, base, offers, app) = (http.clone(), base.clone(), offers.clone(), app.clone());
        tasks.spawn(async move {
            buy_for_car(&app, &http, &base, &car, &token, &offers, per_car, deadline).await
        });
    }
    let mut bought = Vec::new();
    while let Some(r) = tasks.join_next().await {
        bought.extend(r??);
    }
    let elapsed = started.elapsed();
    print_figures(&bought, elapsed);
    println!("RSS at the end: {}", mb(rss_bytes()));
    let _ = stop.send(());
    let _ = server.await;
    Ok(())
}

/// Waits until every car's first state report reached caas.
async fn wait_for_reports(
    app: &caas_app::App,
    owners: &[(OperationalCar, String)],
) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    for (car, _) in owners {
        loop {
            let v = app
                .store
                .read()
                .await?
                .find_vehicle(&car.vehicle_id)
                .await?;
            if v.is_some_and(|v| v.last_state.is_some()) {
                break;
            }
            anyhow::ensure!(Instant::now() < deadline, "no state report of {}", car.vin);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    Ok(())
}

/// The one-day offer of each option the cars buy: (option, offer id).
async fn day_offers(app: &caas_app::App) -> anyhow::Result<Vec<(String, String)>> {
    let catalogue = caas_app::catalogue::load_catalogue(app)
        .await
        .map_err(|e| anyhow::anyhow!("catalogue: {e}"))?;
    FREE_OPTIONS
        .iter()
        .map(|code| {
            let o = catalogue
                .options
                .iter()
                .find(|o| o.code == *code)
                .with_context(|| format!("{code} in the catalogue"))?;
            let offer = o
                .offers
                .iter()
                .find(|x| {
                    x.active
                        && x.pricing
                            == PricingModel::TimeLimited {
                                length: PeriodLength::days(1),
                            }
                })
                .with_context(|| format!("a day offer of {code}"))?;
            Ok((code.to_string(), offer.id.to_string()))
        })
        .collect()
}

/// One car's baskets, each waited for before the next: its settled purchases.
#[allow(clippy::too_many_arguments)]
async fn buy_for_car(
    app: &caas_app::App,
    http: &reqwest::Client,
    base: &str,
    car: &OperationalCar,
    token: &str,
    offers: &[(String, String)],
    quota: usize,
    deadline: Instant,
) -> anyhow::Result<Vec<Purchase>> {
    let url = format!("{base}/api/v1/vehicles/{}/purchases", car.vehicle_id);
    let mut done: Vec<Purchase> = Vec::new();
    while done.len() < quota && Instant::now() < deadline {
        let items: Vec<_> = offers
            .iter()
            .take(quota - done.len())
            .map(|(o, id)| serde_json::json!({"option_code": o, "offer_id": id}))
            .collect();
        let body = serde_json::json!({"items": items, "payment_method": "tok_test_ok"});
        let resp = http
            .post(&url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await?;
        let v: serde_json::Value = resp.json().await?;
        let ids: Vec<_> = v["accepted"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p["id"].as_str())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if ids.is_empty() {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        loop {
            let all = app
                .store
                .read()
                .await?
                .list_purchases_for_vehicle(&car.vehicle_id)
                .await?;
            let mine: Vec<_> = all
                .into_iter()
                .filter(|p| ids.contains(&p.id.to_string()))
                .collect();
            if mine.iter().all(settled) || Instant::now() >= deadline {
                done.extend(mine);
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    Ok(done)
}

fn print_figures(bought: &[Purchase], elapsed: Duration) {
    let mut to_active = Histogram::default();
    let mut activated = 0;
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    for p in bought {
        *outcomes
            .entry(format!("{} / {:?}", p.state.as_str(), p.payment.state))
            .or_default() += 1;
        if let Some(at) = p.activated_at {
            to_active.record((at - p.created_at).to_std().unwrap_or_default());
            activated += 1;
        }
    }
    let rate = bought.len() as f64 / elapsed.as_secs_f64().max(0.001);
    println!(
        "{} purchases settled in {:.1} s: {rate:.1} purchases/s",
        bought.len(),
        elapsed.as_secs_f64()
    );
    println!(
        "confirmation → ACTIVE: p50 {:.0} ms, p99 {:.0} ms ({} activated)",
        to_active.quantile(0.5).as_secs_f64() * 1000.0,
        to_active.quantile(0.99).as_secs_f64() * 1000.0,
        activated
    );
    for (k, n) in outcomes {
        println!("  {k}: {n}");
    }
}
