#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
#[path = "support/flow.rs"]
mod flow;
use caas_domain::clock::SystemClock;
use common::*;
use flow::*;
use std::sync::Arc;

#[tokio::test]
async fn scratch() {
    let t = spawn_app_with(
        |c| {
            c.sim_factory_step_ms = 60;
            c.sim_fast_payments = true;
            c.sim_retry_speedup = 1000.0;
            c.factory_gap_wait_secs = 1;
        },
        Arc::new(SystemClock),
    )
    .await;
    let s = seller(&t, "v@c.es").await;
    let (order, token) = sold_to(&t, &s, "l@example.com", "+34699000001").await;
    pay_senal(&t, &token, &order, "tok_test_ok", "k").await;
    wait_for_state(
        &t,
        &token,
        &order,
        "IN_TRANSIT_TO_DEALERSHIP",
        "factory.vehicle_available",
        60,
    )
    .await;
    for _ in 0..4 {
        let n = inbox(&t, &token).await;
        for x in &n {
            let d = delivery(x, "sms");
            if !d.is_null() {
                eprintln!("{} {} {}", d["state"], d["provider_ref"], d["log"]);
            }
        }
        eprintln!("----");
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    let sims = t.sims.clone().unwrap();
    eprintln!(
        "{}",
        get_json(&format!("{}/_sim/webhooks", sims.sms), None)
            .await
            .to_string()
            .chars()
            .take(3000)
            .collect::<String>()
    );
}
