//! The world of the purchase volume test: the crash harness's partners and
//! `caas serve`, a seller, and operational cars seeded through the store
//! while the platform is stopped (`caas_server::bench::cars`, shared with
//! `caas bench purchases`), each added to the fleet simulator.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    unreachable_pub
)]

pub mod faults;

use crate::crash_support::*;
use caas_domain::ids::{DealershipId, OrderId, VehicleId};
use caas_domain::ports::Store;
use caas_domain::purchase::Purchase;
use caas_server::bench::cars::{self, FREE_OPTIONS};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One seeded car and its owner's API token.
#[derive(Debug, Clone)]
pub struct Car {
    pub vin: String,
    pub vehicle_id: VehicleId,
    pub token: String,
}

/// Everything the test drives and reads.
pub struct World {
    pub platform: Platform,
    pub store: Arc<dyn Store>,
    pub partners: Partners,
    pub cars: Vec<Car>,
    /// Option code → its one-day offer id.
    pub offers: Vec<(String, String)>,
}

fn sale_body(i: usize) -> Value {
    json!({
        "customer_name": "Lucía Fernández Núñez", "document_type": "DNI", "document_number": "12345678Z",
        "email": format!("volume-{i}@example.test"), "phone": format!("+346990{i:05}"), "language": "es",
        "address_line1": "Calle de Alcalá 100", "address_postal_code": "28009", "address_locality": "Madrid", "address_country": "ES",
        "delivery_line1": "Calle de Alcalá 100", "delivery_postal_code": "28009", "delivery_locality": "Madrid", "delivery_country": "ES",
        "platform_code": "SUV-E-26", "option_codes": ["HEAT_PUMP"],
        "vehicle_price": "52900.00", "senal": "2000.00", "currency": "EUR", "maintenance_included": true,
        "birth_date": "1988-07-02"
    })
}

/// A seller's API token (dealership and staff account through the CLI).
async fn seller(p: &Platform, store: &dyn Store, db: &str) -> String {
    let args = [
        "admin",
        "create-dealership",
        "--name",
        "Concesionario Centro",
        "--country",
        "ES",
        "--locality",
        "Madrid",
    ];
    let out = caas(db, &args);
    let id = out
        .split_whitespace()
        .find(|w| w.starts_with("dlr_"))
        .unwrap_or_else(|| panic!("a dealership id in {out:?}"));
    let id = DealershipId::parse(id).unwrap();
    let email = "vera@concesionario.test";
    caas(
        db,
        &[
            "admin",
            "create-staff",
            "--role",
            "SALES",
            "--dealership",
            id.as_str(),
            "--email",
            email,
        ],
    );
    activate_and_token(p, store, email).await
}

/// Starts the partners and the platform, registers `n` sales through the
/// API, makes them operational with the platform stopped, restarts it and
/// waits until every car's state report reached caas.
pub async fn world(n: usize, extra: &[(&str, &str)]) -> (World, Option<tempfile::TempDir>) {
    let port = free_port();
    let partners = Partners::start(port).await;
    let (db, dir) = caas_store_tests::fresh_database_url().await.unwrap();
    let mut platform = Platform::new(&db, port, &partners, extra);
    platform.start().await;
    let store = caas_store_tests::open_store(&db).await.unwrap();
    let seller = seller(&platform, &*store, &db).await;
    let mut orders = Vec::with_capacity(n);
    for i in 0..n {
        let (status, o) =
            post_json(&platform.url("/api/v1/sales"), Some(&seller), &sale_body(i)).await;
        assert_eq!(status, 201, "sale {i}: {o}");
        orders.push(OrderId::parse(o["id"].as_str().unwrap()).unwrap());
    }
    // Seeded with the platform down, so no cache of it holds the old rows.
    platform.kill();
    platform.kills = 0;
    let now = chrono::Utc::now();
    let mut seeded = Vec::with_capacity(n);
    let mut tx = store.begin().await.unwrap();
    for order in &orders {
        let car = cars::make_operational_in(&mut *tx, order, &cars::new_vin(), now)
            .await
            .unwrap();
        let token = cars::api_token_in(&mut *tx, &car.customer_id, now)
            .await
            .unwrap();
        seeded.push((car, token));
    }
    tx.commit().await.unwrap();
    platform.start().await;
    let http = reqwest::Client::new();
    for (car, _) in &seeded {
        cars::add_to_fleet_sim(&http, &partners.fleet, car)
            .await
            .unwrap();
    }
    let cars: Vec<Car> = seeded
        .into_iter()
        .map(|(c, token)| Car {
            vin: c.vin,
            vehicle_id: c.vehicle_id,
            token,
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    for car in &cars {
        loop {
            let v = store
                .read()
                .await
                .unwrap()
                .find_vehicle(&car.vehicle_id)
                .await
                .unwrap();
            if v.is_some_and(|v| v.last_state.is_some()) {
                break;
            }
            assert!(Instant::now() < deadline, "no state report of {}", car.vin);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let offers = day_offers(&platform, &cars[0]).await;
    let w = World {
        platform,
        store,
        partners,
        cars,
        offers,
    };
    (w, dir)
}

/// The one-day offer of each option without a maintenance dependency.
async fn day_offers(p: &Platform, car: &Car) -> Vec<(String, String)> {
    let c = client()
        .get(p.url("/api/v1/catalogue"))
        .bearer_auth(&car.token)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    FREE_OPTIONS
        .iter()
        .map(|code| {
            let o = c["options"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["code"] == *code)
                .unwrap_or_else(|| panic!("{code} in the catalogue"));
            let offer = o["offers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| {
                    x["model"] == "time_limited"
                        && x["length"]["count"] == 1
                        && x["length"]["unit"] == "day"
                })
                .unwrap_or_else(|| panic!("a day offer of {code}"));
            (code.to_string(), offer["id"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// The purchases of `car`, read from the database (the platform may be down).
pub async fn purchases_of(store: &dyn Store, car: &Car) -> Vec<Purchase> {
    loop {
        let read = async {
            store
                .read()
                .await?
                .list_purchases_for_vehicle(&car.vehicle_id)
                .await
        };
        match read.await {
            Ok(p) => return p,
            Err(e) => {
                eprintln!("reading purchases of {}: {e}; again", car.vin);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

/// POSTs JSON to a simulator's control API.
pub async fn sim_post(base: &str, path: &str, body: Value) {
    let (status, v) = post_json(&format!("{base}{path}"), None, &body).await;
    assert!((200..300).contains(&status), "{path}: {status} {v}");
}
