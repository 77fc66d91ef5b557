//! Operational cars without driving each sale through the delivery, shared by
//! `caas bench purchases` and the purchase volume test (`tests/purchase_crash.rs`):
//! a registered sale's order made OPERATIONAL with a new vehicle assigned,
//! its customer active with an API token, and the car added to the fleet
//! simulator so its state report (what the store sells) reaches caas. Only
//! the `Store` port is used, so a test that holds the database and not the
//! application can seed too (with the platform stopped: no cache is warm).

use anyhow::Context;
use caas_app::secrets::{hash_secret, random_token};
use caas_domain::account::AccountStatus;
use caas_domain::ids::{AccountId, OrderId, SessionId, VehicleId};
use caas_domain::order::OrderState;
use caas_domain::ports::Tx;
use caas_domain::session::{Session, SessionKind};
use caas_domain::vehicle::{Assignment, Vehicle};
use chrono::{DateTime, Utc};
use serde_json::json;

/// Options of the seeded catalogue that an SUV-E-26 can buy with no
/// maintenance dependency (no VSS verdict needed) and outside the bench's plan.
pub const FREE_OPTIONS: [&str; 5] = [
    "CLIMATE_PLUS",
    "PANORAMIC_ROOF",
    "PREMIUM_AUDIO",
    "ENTERTAINMENT_PACK",
    "ADAPTIVE_LIGHTS",
];

/// One car made operational.
#[derive(Debug, Clone)]
pub struct OperationalCar {
    /// `ord_…`.
    pub order_id: OrderId,
    /// The owner.
    pub customer_id: AccountId,
    /// `veh_…`.
    pub vehicle_id: VehicleId,
    /// VIN (also the car's MQTT identity).
    pub vin: String,
    /// The options of the sale's plan (enabled on the car from the start).
    pub plan_options: Vec<String>,
}

/// Makes the registered sale `order_id` OPERATIONAL with a new vehicle
/// `vin` assigned to its customer, in `tx`.
pub async fn make_operational_in(
    tx: &mut dyn Tx,
    order_id: &OrderId,
    vin: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<OperationalCar> {
    let mut order = tx
        .find_order(order_id)
        .await?
        .with_context(|| format!("order {order_id} not found"))?;
    let vehicle = Vehicle {
        id: VehicleId::new(),
        vin: vin.to_owned(),
        platform_code: order.plan.platform_code.clone(),
        option_codes: order.plan.option_codes.clone(),
        dealership_id: order.dealership_id.clone(),
        assignment: Assignment::Assigned {
            order_id: order.id.clone(),
            customer_id: order.customer_id.clone(),
        },
        completed_on: Some(now.date_naive()),
        available_from: Some(now),
        plate_number: None,
        keys: vec![],
        last_state: None,
        presence: None,
        presence_at: None,
        history: vec![],
        version: 0,
        created_at: now,
        updated_at: now,
    };
    tx.insert_vehicle(&vehicle).await?;
    order.vehicle_id = Some(vehicle.id.clone());
    order.factory.vin = Some(vin.to_owned());
    order.state = OrderState::Operational;
    order.version += 1;
    order.updated_at = now;
    if !tx.update_order(&order).await? {
        anyhow::bail!("order {order_id} changed while it was seeded");
    }
    Ok(OperationalCar {
        order_id: order.id.clone(),
        customer_id: order.customer_id.clone(),
        vehicle_id: vehicle.id,
        vin: vin.to_owned(),
        plan_options: order.plan.option_codes.clone(),
    })
}

/// Activates `account_id` (no password: API only) and returns the secret of
/// a new API token valid for a day.
pub async fn api_token_in(
    tx: &mut dyn Tx,
    account_id: &AccountId,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let mut account = tx
        .find_account(account_id)
        .await?
        .with_context(|| format!("account {account_id} not found"))?;
    if account.status != AccountStatus::Active {
        account.status = AccountStatus::Active;
        account.version += 1;
        if !tx.update_account(&account).await? {
            anyhow::bail!("account {account_id} changed while it was seeded");
        }
    }
    let secret = random_token(32);
    tx.insert_session(&Session {
        id: SessionId::new(),
        account_id: account.id.clone(),
        kind: SessionKind::Api,
        secret_hash: hash_secret(&secret),
        csrf_token: random_token(24),
        user_agent: "caas-seed".into(),
        created_at: now,
        expires_at: now + chrono::Duration::days(1),
        revoked_at: None,
    })
    .await?;
    Ok(secret)
}

/// Adds `car` to the fleet simulator at `fleet_url`, online, every catalogue
/// feature installed and the plan's options enabled. Idempotent on the VIN.
pub async fn add_to_fleet_sim(
    http: &reqwest::Client,
    fleet_url: &str,
    car: &OperationalCar,
) -> anyhow::Result<()> {
    let body = json!({"vin": car.vin, "enabled": car.plan_options, "online": true});
    let resp = http
        .post(format!("{fleet_url}/_sim/vehicles"))
        .json(&body)
        .send()
        .await
        .context("fleet simulator unreachable")?;
    if !resp.status().is_success() {
        anyhow::bail!("fleet simulator refused {}: {}", car.vin, resp.status());
    }
    Ok(())
}

/// A fresh valid VIN.
pub fn new_vin() -> String {
    caas_sim::fleet::model::random_vin()
}
