//! Helpers of the feature store journeys: an operational car (sale → app
//! linked, through the API and the simulators), the catalogue's offers,
//! buying through the API and waiting for a purchase's state.

use super::app::*;
use super::delivery::*;
use super::journey::*;
use serde_json::{json, Value};

/// An app with fast simulators and OTA retries a second apart.
pub async fn store_app() -> TestApp {
    delivery_app(|c| {
        c.store.ota_backoff_base_secs = 1;
        c.store.ota_backoff_cap_secs = 2;
    })
    .await
}

/// An owner's operational car.
pub struct Car {
    /// The owner's API token.
    pub token: String,
    /// VIN.
    pub vin: String,
    /// `veh_…`.
    pub vehicle_id: String,
    /// `ord_…` (the expediente).
    pub order: String,
}

/// Drives a sale for `email` to OPERATIONAL (paid, registered, delivered, app linked).
pub async fn operational_car(t: &TestApp, email: &str, phone: &str) -> Car {
    let seller = seller(t, &format!("seller.{email}")).await;
    let (order, token, vin) = at_dealership(t, &seller, &sale_body(email, phone)).await;
    let (status, p) = pay_final(t, &token, &order, "tok_test_ok", "final-1").await;
    assert_eq!(status, 200, "{p}");
    carrier_plan(t, &vin, "delivered").await;
    wait_for_state(
        t,
        &token,
        &order,
        "DELIVERED",
        "carrier.delivery_attempted",
        60,
    )
    .await;
    let (status, o) = post_json(
        &t.url(&format!("/api/v1/orders/{order}/app-link")),
        Some(&token),
        &json!({"public_key": phone_public_key(), "label": "Móvil"}),
    )
    .await;
    assert_eq!(status, 200, "{o}");
    let e = wait_for_state(t, &token, &order, "OPERATIONAL", "app_linked", 30).await;
    let vehicle_id = e["order"]["delivery"]["vehicle_id"]
        .as_str()
        .expect("vehicle id")
        .to_owned();
    // The store sells what the car reports as configurable: wait for its report.
    let catalogue = t.url(&format!("/api/v1/vehicles/{vehicle_id}/catalogue"));
    wait_for(30, "the car's state report", || async {
        let c = get_json(&catalogue, Some(&token)).await;
        c["options"]
            .as_array()
            .is_some_and(|o| !o.is_empty())
            .then_some(())
    })
    .await;
    Car {
        token,
        vin,
        vehicle_id,
        order,
    }
}

/// The id of `option`'s first active time-limited offer of `days` days (or lifetime when `None`).
pub async fn offer_id(t: &TestApp, car: &Car, option: &str, days: Option<u32>) -> String {
    let c = get_json(&t.url("/api/v1/catalogue"), Some(&car.token)).await;
    let o = c["options"]
        .as_array()
        .expect("options")
        .iter()
        .find(|o| o["code"] == option)
        .unwrap_or_else(|| panic!("{option} in the catalogue"));
    o["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .find(|x| match days {
            Some(d) => {
                x["model"] == "time_limited"
                    && x["length"]["count"] == d
                    && x["length"]["unit"] == "day"
            }
            None => x["model"] == "lifetime",
        })
        .and_then(|x| x["id"].as_str())
        .unwrap_or_else(|| panic!("offer of {option} for {days:?}"))
        .to_owned()
}

/// Confirms one option with one card; returns the status and the basket outcome.
pub async fn buy(t: &TestApp, car: &Car, option: &str, offer: &str, card: &str) -> (u16, Value) {
    post_json(
        &t.url(&format!("/api/v1/vehicles/{}/purchases", car.vehicle_id)),
        Some(&car.token),
        &json!({"items": [{"option_code": option, "offer_id": offer}], "payment_method": card}),
    )
    .await
}

/// Waits until the purchase is in `state`.
pub async fn wait_for_purchase(t: &TestApp, car: &Car, id: &str, state: &str, secs: u64) -> Value {
    wait_for(secs, &format!("purchase {id} in {state}"), || async {
        let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
        (p["state"] == state).then_some(p)
    })
    .await
}

/// A vehicle assigned to `order`'s customer and a REQUESTED purchase for
/// it, written straight to the store (for ownership tests that need the
/// rows, not the journey): returns their ids.
pub async fn owned_vehicle_and_purchase(
    t: &TestApp,
    order: &caas_domain::order::Order,
) -> (String, String) {
    use caas_domain::catalogue::{Localized, PeriodLength, PricingModel};
    use caas_domain::ids::{BasketId, OfferId, PurchaseId, VehicleId};
    use caas_domain::purchase::withdrawal::WithdrawalTerms;
    use caas_domain::purchase::*;
    use caas_domain::vehicle::{Assignment, Vehicle};
    let now = chrono::Utc::now();
    let v = Vehicle {
        id: VehicleId::new(),
        vin: format!("VSSZZZ{}", &uuid::Uuid::new_v4().simple().to_string()[..11]).to_uppercase(),
        platform_code: order.plan.platform_code.clone(),
        option_codes: vec![],
        dealership_id: order.dealership_id.clone(),
        assignment: Assignment::Assigned {
            order_id: order.id.clone(),
            customer_id: order.customer_id.clone(),
        },
        completed_on: None,
        available_from: None,
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
    let pricing = PricingModel::TimeLimited {
        length: PeriodLength::days(7),
    };
    let p = Purchase {
        id: PurchaseId::new(),
        basket_id: BasketId::new(),
        customer_id: order.customer_id.clone(),
        order_id: order.id.clone(),
        vehicle_id: v.id.clone(),
        vin: v.vin.clone(),
        dealership_id: order.dealership_id.clone(),
        item: PurchasedItem {
            option_code: "PREMIUM_AUDIO".into(),
            option_name: Localized {
                es: "Sonido".into(),
                en: "Audio".into(),
            },
            offer_id: OfferId::new(),
            pricing,
            price: caas_domain::money::Money::new(1000, caas_domain::money::Currency::EUR).unwrap(),
            feature_code: "PREMIUM_AUDIO".into(),
            config: None,
        },
        period: Period {
            starts_at: now,
            ends_at: PeriodLength::days(7).end_from(now),
        },
        extends: None,
        withdrawal: WithdrawalTerms::for_pricing(&pricing),
        state: PurchaseState::Rejected,
        reason: None,
        payment: PurchasePayment {
            payment_method: "tok_test_ok".into(),
            intent_id: None,
            state: ServicePaymentState::Created,
            authorization_expires_at: None,
            decline_code: None,
        },
        attempts: 0,
        max_attempts: 5,
        command: None,
        query: None,
        commands: vec![],
        retry_at: None,
        confirming_failure: false,
        activated_at: None,
        history: vec![],
        version: 0,
        created_at: now,
        updated_at: now,
    };
    let mut tx = t.app.store.begin().await.unwrap();
    tx.insert_vehicle(&v).await.unwrap();
    tx.insert_purchase(&p).await.unwrap();
    tx.commit().await.unwrap();
    (v.id.to_string(), p.id.to_string())
}

/// The wall clock moved by an offset a test can push forward (the
/// simulators keep real time, so the car's own clock stays behind ours).
#[derive(Debug, Default)]
pub struct OffsetClock(std::sync::Mutex<chrono::Duration>);

impl OffsetClock {
    /// Moves our time forward by `d`.
    pub fn advance(&self, d: chrono::Duration) {
        if let Ok(mut o) = self.0.lock() {
            *o += d;
        }
    }
}

impl caas_domain::clock::Clock for OffsetClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        let offset = self.0.lock().map(|o| *o).unwrap_or_default();
        chrono::Utc::now() + offset
    }
}

/// [`store_app`] on `clock`.
pub async fn store_app_on(clock: std::sync::Arc<OffsetClock>) -> TestApp {
    spawn_app_with(
        |c| {
            c.sim_factory_step_ms = 40;
            c.sim_fast_payments = true;
            c.sim_retry_speedup = 1000.0;
            c.factory_gap_wait_secs = 1;
            c.delivery.sim_carrier_step_ms = 60;
            c.delivery.carrier_gap_wait_secs = 1;
            c.delivery.fleet_command_wait_secs = 5;
            c.store.ota_backoff_base_secs = 1;
            c.store.ota_backoff_cap_secs = 2;
        },
        clock,
    )
    .await
}

/// The gateway record of the purchase (by the metadata it was created with).
pub async fn gateway_for_purchase(t: &TestApp, purchase: &str) -> Value {
    let url = t.sims.clone().expect("simulators").payments;
    let all = get_json(&format!("{url}/_sim/intents"), None).await;
    let mut hits: Vec<Value> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["intent"]["metadata"]["purchase"] == purchase)
        .cloned()
        .collect();
    assert_eq!(hits.len(), 1, "one intent per purchase: {hits:?}");
    hits.remove(0)
}
