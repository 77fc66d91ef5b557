//! Two instances on one PostgreSQL database, as behind a load balancer, each
//! with its own in-memory caches: a change made through one is seen by the
//! other at once (the committing instance sends `NOTIFY`, every instance
//! listens). A token revoked on B stops working on A; an order cancelled on
//! B shows as cancelled on A. SQLite serves one process: skipped there.

use crate::support::app::*;
use crate::support::journey::*;
use std::time::{Duration, Instant};

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{what} within 3 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_one_instance_changes_the_other_serves_at_once() {
    if caas_store_tests::backend() != "postgres" {
        eprintln!("skipped: instances share caches' invalidations through PostgreSQL");
        return;
    }
    let a = spawn_app().await;
    let b = spawn_second_instance(&a).await;
    let seller = seller(&a, "vera@concesionario.test").await;
    let order = register_sale(
        &a,
        &seller,
        &sale_body("lucia@example.test", "+34699000101"),
    )
    .await;
    a.activate("lucia@example.test", PW).await;
    let token = a.api_token("lucia@example.test", PW).await;

    // Both instances have the token and the order file cached.
    let view = |t: &TestApp| t.url(&format!("/api/v1/orders/{order}"));
    for t in [&a, &b] {
        for _ in 0..2 {
            let v = get_json(&view(t), Some(&token)).await;
            assert_eq!(v["order"]["state"], "SALE_REGISTERED");
        }
    }

    // Cancelled on B: A shows it cancelled.
    let (status, _) = post_json(
        &b.url(&format!("/api/v1/sales/{order}/cancel")),
        Some(&seller),
        &serde_json::json!({}),
    )
    .await;
    assert_eq!(status, 200);
    eventually("A serves the cancelled order", async || {
        get_json(&view(&a), Some(&token)).await["order"]["state"] == "CANCELLED"
    })
    .await;

    // The token revoked on B: A refuses it.
    let resp = client()
        .post(b.url("/api/v1/auth/revoke"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    eventually("A refuses the revoked token", async || {
        client()
            .get(a.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status()
            == 401
    })
    .await;
}
