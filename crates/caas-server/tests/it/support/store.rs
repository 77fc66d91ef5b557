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
    Car {
        token,
        vin,
        vehicle_id,
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
