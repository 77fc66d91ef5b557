//! No charge on failure, at volume (issue 11): 1,000 purchases
//! (`CAAS_VOLUME_PURCHASES`) over 50 simulated cars, each car's owner buying
//! baskets through the API, with faults drawn at random per basket (every
//! error code of the IoT contract, offline, silent, slow, duplicate and
//! reordered replies, gateway declines, timeouts and outages) while
//! `caas serve` is killed with `kill -9` at random moments at least ten
//! times. Afterwards, from the gateway simulator's own records, every ACTIVE
//! purchase is captured exactly once, every FAILED_NOT_CHARGED is cancelled
//! with nothing captured, no intent is captured twice, and every ACTIVE
//! feature is enabled on its car until the paid end. The seed is printed
//! (`CAAS_VOLUME_SEED` replays its draws).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod crash_support;
mod volume_support;

use caas_domain::purchase::{Purchase, PurchaseState, ServicePaymentState};
use caas_server::bench::purchases::settled;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use volume_support::faults::*;
use volume_support::*;

const CARS: usize = 50;
/// `kill -9`s of the platform during the run.
const KILLS: usize = 12;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One car's baskets, each waited for until all the car's purchases settled.
async fn drive(s: Arc<Shared>, car: Car, quota: usize, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    normal(&s, &car.vin).await;
    let url = format!("{}/api/v1/vehicles/{}/purchases", s.base, car.vehicle_id);
    let mut bought = 0;
    while bought < quota {
        let fault = draw_fault(&mut rng);
        apply(&s, &car.vin, &fault).await;
        let mut offers = s.offers.clone();
        offers.shuffle(&mut rng);
        offers.truncate(rng.gen_range(1..=offers.len()).min(quota - bought));
        let items: Vec<Value> = offers
            .iter()
            .map(|(o, id)| json!({"option_code": o, "offer_id": id}))
            .collect();
        let body = json!({"items": items, "payment_method": draw_card(&mut rng)});
        // The platform may be down or die before answering: ask again; a
        // basket stored meanwhile refuses the repeat as in progress.
        loop {
            let sent = crash_support::client()
                .post(&url)
                .bearer_auth(&car.token)
                .json(&body)
                .send()
                .await;
            if let Ok(r) = sent {
                if r.status() == 201 {
                    let v: Value = r.json().await.unwrap_or(Value::Null);
                    let n = v["accepted"].as_array().map_or(0, Vec::len);
                    s.confirmed.fetch_add(n, Ordering::Relaxed);
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        loop {
            let all = purchases_of(&*s.store, &car).await;
            if all.iter().all(settled) {
                bought = all.len();
                break;
            }
            tokio::time::sleep(Duration::from_millis(1000)).await;
        }
        if !matches!(
            fault,
            Fault::None | Fault::GatewayOutage | Fault::Offline(..)
        ) {
            normal(&s, &car.vin).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_purchases_under_faults_and_kill_9_charge_exactly_what_the_cars_confirm() {
    let total: usize = env_or("CAAS_VOLUME_PURCHASES", 1000);
    let seed: u64 = env_or("CAAS_VOLUME_SEED", rand::random());
    println!("purchase volume: {total} purchases over {CARS} cars, seed {seed} (CAAS_VOLUME_SEED={seed} replays the draws)");
    let started = Instant::now();
    let extra = [
        ("CAAS_OTA_BACKOFF_BASE_SECS", "1"),
        ("CAAS_OTA_BACKOFF_CAP_SECS", "2"),
    ];
    let (w, _dir) = world(CARS, &extra).await;
    println!(
        "seeded {CARS} operational cars in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let shared = Arc::new(Shared {
        fleet: w.partners.fleet.clone(),
        payments: w.partners.payments.clone(),
        base: w.platform.url(""),
        store: w.store.clone(),
        offers: w.offers.clone(),
        confirmed: AtomicUsize::new(0),
        finished: AtomicBool::new(false),
    });
    let per_car = total.div_ceil(CARS);
    let mut drivers = tokio::task::JoinSet::new();
    for (i, car) in w.cars.iter().cloned().enumerate() {
        drivers.spawn(drive(
            shared.clone(),
            car,
            per_car,
            seed.wrapping_add(i as u64 + 1),
        ));
    }
    // Kills at random points of the run: when the confirmed purchases pass
    // each of KILLS random thresholds (so at least ten, whatever the speed).
    let mut rng = StdRng::seed_from_u64(seed);
    let mut thresholds: Vec<usize> = (0..KILLS)
        .map(|_| rng.gen_range(total / 50..total * 19 / 20))
        .collect();
    thresholds.sort_unstable();
    let platform = Arc::new(tokio::sync::Mutex::new(w.platform));
    let killer = {
        let (platform, shared) = (platform.clone(), shared.clone());
        tokio::spawn(async move {
            let mut moments = vec![];
            for t in thresholds {
                while shared.confirmed.load(Ordering::Relaxed) < t {
                    if shared.finished.load(Ordering::Relaxed) {
                        return moments;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                let jitter = rng.gen_range(0..1500);
                tokio::time::sleep(Duration::from_millis(jitter)).await;
                let mut p = platform.lock().await;
                p.kill();
                moments.push(started.elapsed().as_secs_f64());
                tokio::time::sleep(Duration::from_millis(rng.gen_range(0..800))).await;
                p.start().await;
            }
            moments
        })
    };
    while let Some(r) = drivers.join_next().await {
        r.unwrap();
    }
    shared.finished.store(true, Ordering::Relaxed);
    let moments = killer.await.unwrap();
    let kills = platform.lock().await.kills;
    println!(
        "all baskets settled after {:.1} s; kill -9 at {:?} s",
        started.elapsed().as_secs_f64(),
        moments
            .iter()
            .map(|m| (m * 10.0).round() / 10.0)
            .collect::<Vec<_>>()
    );
    assert!(
        kills >= 10,
        "killed only {kills} times: the run was too short"
    );

    let mut all: Vec<(String, Purchase)> = vec![];
    for car in &w.cars {
        for p in purchases_of(&*w.store, car).await {
            all.push((car.vin.clone(), p));
        }
    }
    check_invariants(&w.partners, &all).await;
    assert!(
        all.len() >= total,
        "{} purchases stored, {total} wanted",
        all.len()
    );
    println!("whole test: {:.1} s", started.elapsed().as_secs_f64());
}

/// The gateway's and the cars' records against every purchase.
async fn check_invariants(partners: &crash_support::Partners, all: &[(String, Purchase)]) {
    let intents = crash_support::get_json(&format!("{}/_sim/intents", partners.payments)).await;
    let mut by_purchase: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for i in intents["data"].as_array().unwrap() {
        let captures = i["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| *e == "payment_intent.succeeded")
            .count();
        assert!(captures <= 1, "an intent captured twice: {i}");
        if let Some(p) = i["intent"]["metadata"]["purchase"].as_str() {
            by_purchase.entry(p.to_owned()).or_default().push(i);
        }
    }
    fn captured(i: &Value) -> bool {
        i["intent"]["amount_received"].as_i64().unwrap_or(0) > 0
    }
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut paid_until: BTreeMap<(String, String), chrono::DateTime<chrono::Utc>> = BTreeMap::new();
    for (vin, p) in all {
        let key = format!("{} / {:?}", p.state.as_str(), p.payment.state);
        *outcomes.entry(key).or_default() += 1;
        let mine = by_purchase.get(p.id.as_str()).cloned().unwrap_or_default();
        match p.state {
            PurchaseState::Active => {
                assert_eq!(p.payment.state, ServicePaymentState::Captured, "{p:?}");
                let caps: Vec<_> = mine.iter().filter(|i| captured(i)).collect();
                assert_eq!(caps.len(), 1, "ACTIVE {} captured once: {mine:?}", p.id);
                assert_eq!(
                    caps[0]["intent"]["amount_received"], p.item.price.minor,
                    "{mine:?}"
                );
                let end = p.period.ends_at.expect("a day pass ends");
                let e = paid_until
                    .entry((vin.clone(), p.item.feature_code.clone()))
                    .or_insert(end);
                *e = (*e).max(end);
            }
            PurchaseState::FailedNotCharged => {
                assert!(
                    mine.iter().all(|i| !captured(i)),
                    "FAILED {} charged: {mine:?}",
                    p.id
                );
                assert!(
                    mine.iter().all(|i| i["intent"]["status"] == "canceled"),
                    "FAILED {} not cancelled: {mine:?}",
                    p.id
                );
            }
            _ => assert!(
                mine.iter().all(|i| !captured(i)),
                "{} {:?} charged: {mine:?}",
                p.id,
                p.state
            ),
        }
    }
    println!("outcomes (state / payment): {outcomes:#?}");
    for ((vin, code), until) in paid_until {
        let car = crash_support::get_json(&format!("{}/_sim/vehicles/{vin}", partners.fleet)).await;
        let f = car["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code.as_str())
            .unwrap_or_else(|| panic!("{code} on {vin}"));
        assert_eq!(f["enabled"], true, "ACTIVE {code} enabled on {vin}: {f}");
        let on_car: chrono::DateTime<chrono::Utc> =
            f["valid_until"].as_str().unwrap().parse().unwrap();
        assert!(
            (on_car - until).num_seconds().abs() <= 1,
            "{code} on {vin} runs exactly as long as paid for ({until}): {f}"
        );
    }
}
