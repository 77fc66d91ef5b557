//! Factory simulator over real sockets: create-time faults (503 with
//! Retry-After, slow responses with and without the order being created)
//! and how they interact with the Idempotency-Key.

use crate::support::factory::{order_body, Sim};
use serde_json::{json, Value};

#[tokio::test]
async fn the_first_creates_get_503_and_the_retry_with_the_same_key_creates_exactly_one_order() {
    let sim = Sim::start(None).await;
    sim.control("/_sim/scenario", json!({"unavailable_for_next_creates": 2}))
        .await;
    for _ in 0..2 {
        let resp = sim.create("key-503", &order_body("ord_503")).await;
        assert_eq!(resp.status(), 503);
        assert_eq!(resp.headers()["retry-after"], "1");
        let err: Value = resp.json().await.unwrap();
        assert_eq!(err["error"]["code"], "factory_unavailable");
    }
    let ok = sim.create("key-503", &order_body("ord_503")).await;
    assert_eq!(ok.status(), 201);
    assert!(ok.headers().get("idempotent-replayed").is_none());
    let stats = sim.stats().await;
    assert_eq!(stats["create_requests"], 3);
    assert_eq!(stats["orders_created"], 1);
    let found = sim.get_json("/v1/orders?order_reference=ord_503").await;
    assert_eq!(found["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_slow_create_that_still_creates_the_order_replays_it_to_the_impatient_client() {
    let sim = Sim::start(None).await;
    sim.control(
        "/_sim/scenario",
        json!({"slow_creates": {"count": 1, "secs": 2.0, "create_anyway": true}}),
    )
    .await;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let timed_out = client
        .post(sim.url("/v1/orders"))
        .bearer_auth("factory-sim-key")
        .header("Idempotency-Key", "slow-1")
        .json(&order_body("ord_slow"))
        .send()
        .await;
    assert!(timed_out.is_err(), "the client gave up first");
    let retry = sim.create("slow-1", &order_body("ord_slow")).await;
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(sim.stats().await["orders_created"], 1);
}

#[tokio::test]
async fn a_retry_while_the_first_request_runs_is_told_the_key_is_in_use_and_a_slow_503_is_not_stored(
) {
    let sim = Sim::start(None).await;
    sim.control(
        "/_sim/scenario",
        json!({"slow_creates": {"count": 1, "secs": 0.5, "create_anyway": false}}),
    )
    .await;
    let first = {
        let body = order_body("ord_busy");
        let req = sim
            .http
            .post(sim.url("/v1/orders"))
            .bearer_auth("factory-sim-key")
            .header("Idempotency-Key", "busy-1")
            .json(&body);
        tokio::spawn(async move { req.send().await.unwrap() })
    };
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let busy = sim.create("busy-1", &order_body("ord_busy")).await;
    assert_eq!(busy.status(), 409);
    let err: Value = busy.json().await.unwrap();
    assert_eq!(err["error"]["code"], "idempotency_key_in_use");
    let first = first.await.unwrap();
    assert_eq!(first.status(), 503);
    assert_eq!(sim.stats().await["orders_created"], 0);
    let retry = sim.create("busy-1", &order_body("ord_busy")).await;
    assert_eq!(retry.status(), 201);
    assert!(retry.headers().get("idempotent-replayed").is_none());
}
