//! One car's feature store through the API (`GET
//! /api/v1/vehicles/{id}/catalogue`), black box over the simulators: it
//! lists the options the car reports as configurable and that are not in
//! the plan comercial, with sellable offers only, and shows a purchase as
//! activating and then active until its end; another customer gets 404 on
//! the API and on the store page.

use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::store::*;
use serde_json::Value;

async fn store_app() -> crate::support::app::TestApp {
    delivery_app(|c| {
        c.store.ota_backoff_base_secs = 1;
        c.store.ota_backoff_cap_secs = 2;
    })
    .await
}

async fn catalogue(t: &crate::support::app::TestApp, car: &Car) -> Value {
    get_json(
        &t.url(&format!("/api/v1/vehicles/{}/catalogue", car.vehicle_id)),
        Some(&car.token),
    )
    .await
}

fn option<'a>(cat: &'a Value, code: &str) -> &'a Value {
    cat["options"]
        .as_array()
        .expect("options")
        .iter()
        .find(|o| o["code"] == code)
        .unwrap_or_else(|| panic!("{code} on sale: {cat}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalogue_lists_configurable_options_outside_the_plan_and_follows_a_purchase_to_active(
) {
    let t = store_app().await;
    let car = operational_car(&t, "nuria@example.test", "+34699000301").await;
    let cat = catalogue(&t, &car).await;
    assert_eq!(cat["vehicle_id"], car.vehicle_id.as_str(), "{cat}");
    assert_eq!(cat["operational"], true, "{cat}");
    assert!(
        cat["connectivity"]["last_seen"].is_string(),
        "the car was heard from: {cat}"
    );

    let reported: Vec<String> = fleet_vehicle(&t, &car.vin).await["features"]
        .as_array()
        .expect("simulated features")
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_owned))
        .collect();
    let options = cat["options"].as_array().expect("options");
    assert!(!options.is_empty(), "{cat}");
    for o in options {
        let code = o["code"].as_str().unwrap();
        assert!(
            !["HEAT_PUMP", "DRIVER_ASSIST"].contains(&code),
            "plan option on sale: {code}"
        );
        assert!(
            reported.iter().any(|r| r == code),
            "{code} is not configurable on the car"
        );
        assert_eq!(o["status"]["state"], "available", "{o}");
        for offer in o["offers"].as_array().unwrap() {
            assert!(
                offer["model"] == "time_limited" || offer["model"] == "lifetime",
                "only offers sold now: {offer}"
            );
        }
    }
    assert!(cat["purchases"].as_array().unwrap().is_empty());

    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(30)).await;
    let (status, b) = buy(&t, &car, "PREMIUM_AUDIO", &offer, "tok_test_ok").await;
    assert_eq!(status, 201, "{b}");
    let id = b["accepted"][0]["id"]
        .as_str()
        .expect("a purchase")
        .to_owned();
    let during = catalogue(&t, &car).await;
    let state = option(&during, "PREMIUM_AUDIO")["status"]["state"].clone();
    assert!(state == "activating" || state == "active", "{during}");
    assert_eq!(during["purchases"][0]["id"], id.as_str());

    let p = wait_for_purchase(&t, &car, &id, "ACTIVE", 60).await;
    let after = catalogue(&t, &car).await;
    let status = &option(&after, "PREMIUM_AUDIO")["status"];
    assert_eq!(status["state"], "active", "{after}");
    assert_eq!(status["until"], p["ends_at"], "{after}");
    assert_eq!(option(&after, "TOW_HITCH")["status"]["state"], "available");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_customer_gets_not_found_for_the_store_of_a_car_that_is_not_theirs() {
    let t = store_app().await;
    let car = operational_car(&t, "ines@example.test", "+34699000302").await;
    let seller = seller(&t, "vendedor.ajeno@example.test").await;
    register_sale(
        &t,
        &seller,
        &sale_body("ajeno@example.test", "+34699000399"),
    )
    .await;
    t.activate("ajeno@example.test", PW).await;
    let stranger = t.api_token("ajeno@example.test", PW).await;
    let path = format!("/api/v1/vehicles/{}/catalogue", car.vehicle_id);
    let resp = reqwest::Client::new()
        .get(t.url(&path))
        .bearer_auth(&stranger)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let web = t.web_login("ajeno@example.test", PW).await;
    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(7)).await;
    for page in [
        format!("/vehicle/{}/store", car.vehicle_id),
        format!(
            "/vehicle/{}/store/confirm?option=PREMIUM_AUDIO&offer={offer}",
            car.vehicle_id
        ),
    ] {
        let r = web.get(t.url(&page)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{page}");
    }
    // The owner's own token sees it.
    let own = reqwest::Client::new()
        .get(t.url(&path))
        .bearer_auth(&car.token)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
}
