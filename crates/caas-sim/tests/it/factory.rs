//! Factory simulator over real sockets: the synchronous Orders API
//! (idempotency, validation, availability faults, cancel, lookups).

use crate::support::factory::{order_body, Sim};
use serde_json::{json, Value};

#[tokio::test]
async fn a_retried_create_replays_the_stored_order_with_the_replayed_header() {
    let sim = Sim::start(None).await;
    let first = sim.create("key-1", &order_body("ord_1")).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["status"], "received");
    assert_eq!(first["last_sequence"], 0);
    assert!(first["factory_order_id"]
        .as_str()
        .unwrap()
        .starts_with("fo_"));

    // Same body with members in another order: still the same request.
    let mut reordered = serde_json::Map::new();
    for (k, v) in order_body("ord_1").as_object().unwrap().iter().rev() {
        reordered.insert(k.clone(), v.clone());
    }
    let again = sim.create("key-1", &Value::Object(reordered)).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again, first);
    assert_eq!(sim.stats().await["orders_created"], 1);
}

#[tokio::test]
async fn reusing_a_key_with_a_different_body_is_refused_with_409() {
    let sim = Sim::start(None).await;
    assert_eq!(
        sim.create("key-1", &order_body("ord_1")).await.status(),
        201
    );
    let resp = sim.create("key-1", &order_body("ord_2")).await;
    assert_eq!(resp.status(), 409);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "idempotency_key_reused");
}

#[tokio::test]
async fn an_order_with_several_problems_lists_every_violation() {
    let sim = Sim::start(None).await;
    let body = json!({"order_reference": "ord_bad", "model_code": "CITY-E-26",
        "option_codes": ["HEAT_PUMP", "TOW_HITCH", "SPORT_SUSPENSION", "OFFROAD_PACK", "WARP_DRIVE"],
        "dealership_id": "dlr_1", "delivery": {"country": "ES", "locality": "Nowhere"}});
    let resp = sim.create("key-bad", &body).await;
    assert_eq!(resp.status(), 422);
    let err: Value = resp.json().await.unwrap();
    assert_eq!(err["error"]["code"], "order_validation_failed");
    let codes: Vec<&str> = err["error"]["details"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "option_not_available_for_model",
            "option_not_available_for_model",
            "unknown_option",
            "option_combination_invalid",
            "delivery_locality_not_served"
        ]
    );
    assert_eq!(
        err["error"]["details"]["violations"][0]["field"],
        "option_codes[1]"
    );
    assert_eq!(
        err["error"]["details"]["violations"][3]["conflicting_codes"],
        json!(["SPORT_SUSPENSION", "OFFROAD_PACK"])
    );
    // A 422 is stored: the retry replays it.
    let again = sim.create("key-bad", &body).await;
    assert_eq!(again.status(), 422);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
}

#[tokio::test]
async fn requests_without_key_or_credentials_or_valid_json_are_refused() {
    let sim = Sim::start(None).await;
    let url = sim.url("/v1/orders");
    let no_auth = sim
        .http
        .post(&url)
        .header("Idempotency-Key", "k")
        .json(&order_body("o"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_auth.status(), 401);
    assert_eq!(
        no_auth.json::<Value>().await.unwrap()["error"]["code"],
        "unauthenticated"
    );
    let no_key = sim
        .http
        .post(&url)
        .bearer_auth("factory-sim-key")
        .json(&order_body("o"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), 400);
    assert_eq!(
        no_key.json::<Value>().await.unwrap()["error"]["code"],
        "idempotency_key_required"
    );
    let bad_json = sim
        .http
        .post(&url)
        .bearer_auth("factory-sim-key")
        .header("Idempotency-Key", "k")
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_json.status(), 400);
    assert_eq!(
        bad_json.json::<Value>().await.unwrap()["error"]["code"],
        "invalid_request"
    );
    let traced = sim
        .http
        .get(sim.url("/v1/orders/fo_missing"))
        .bearer_auth("factory-sim-key")
        .header("X-Request-Id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(traced.status(), 404);
    assert_eq!(traced.headers()["x-request-id"], "trace-42");
    assert_eq!(
        traced.json::<Value>().await.unwrap()["error"]["code"],
        "order_not_found"
    );
}

#[tokio::test]
async fn a_second_order_with_the_same_reference_points_to_the_existing_one() {
    let sim = Sim::start(None).await;
    let first: Value = sim
        .create("k1", &order_body("ord_dup"))
        .await
        .json()
        .await
        .unwrap();
    let resp = sim.create("k2", &order_body("ord_dup")).await;
    assert_eq!(resp.status(), 409);
    let err: Value = resp.json().await.unwrap();
    assert_eq!(err["error"]["code"], "duplicate_order_reference");
    assert_eq!(
        err["error"]["details"]["factory_order_id"],
        first["factory_order_id"]
    );
}

#[tokio::test]
async fn cancel_works_before_production_and_is_refused_after_it_started() {
    let sim = Sim::start(None).await;
    sim.control("/_sim/scenario", json!({"pause_timeline": true}))
        .await;
    let a: Value = sim
        .create("ka", &order_body("ord_a"))
        .await
        .json()
        .await
        .unwrap();
    let a_id = a["factory_order_id"].as_str().unwrap();
    let cancel = |id: String| {
        let http = sim.http.clone();
        let url = sim.url(&format!("/v1/orders/{id}/cancel"));
        async move {
            http.post(url)
                .bearer_auth("factory-sim-key")
                .json(&json!({"reason": "customer_withdrawal", "comment": "changed mind"}))
                .send()
                .await
                .unwrap()
        }
    };
    let resp = cancel(a_id.to_owned()).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap()["status"], "cancelled");
    assert_eq!(
        cancel(a_id.to_owned()).await.status(),
        200,
        "cancelling twice is fine"
    );
    let events = sim.get_json(&format!("/v1/orders/{a_id}/events")).await;
    assert_eq!(events["data"][0]["type"], "order.cancelled");
    assert_eq!(events["data"][0]["data"]["cancelled_by"], "platform");

    let b: Value = sim
        .create("kb", &order_body("ord_b"))
        .await
        .json()
        .await
        .unwrap();
    let b_id = b["factory_order_id"].as_str().unwrap().to_owned();
    for _ in 0..4 {
        sim.control(&format!("/_sim/orders/{b_id}/advance"), json!({}))
            .await;
    }
    let refused = cancel(b_id).await;
    assert_eq!(refused.status(), 409);
    let err: Value = refused.json().await.unwrap();
    assert_eq!(err["error"]["code"], "order_not_cancellable");
    assert_eq!(err["error"]["details"]["status"], "in_production");
}
