//! When the factory does not simply take the order (SPEC §3.3 MFG-4, MFG-5,
//! MFG-10; §4.1): a refusal waits for staff, who see the factory's reasons
//! and resubmit; retries that run out keep the reservation and alert staff;
//! a silent order raises one alert and a status query. Cancelling a sale:
//! `sale_cancellation.rs`.

use crate::support::app::*;
use crate::support::journey::*;
use caas_domain::clock::{Clock, SystemClock};
use caas_domain::job::JobState;
use caas_store_tests::TestClock;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

const SELLER: &str = "vera@concesionario.es";
const PHONE: &str = "+34699000001";

async fn app_with(
    tweak: impl FnOnce(&mut caas_server::config::Config),
    clock: Arc<dyn Clock>,
) -> TestApp {
    spawn_app_with(
        |c| {
            c.sim_factory_step_ms = 60;
            c.sim_fast_payments = true;
            c.sim_retry_speedup = 1000.0;
            c.factory_gap_wait_secs = 1;
            tweak(c);
        },
        clock,
    )
    .await
}

#[tokio::test]
async fn a_refused_order_waits_for_staff_who_see_the_reasons_and_a_corrected_resubmission_orders_it_once(
) {
    let t = app_with(|_| {}, Arc::new(SystemClock)).await;
    let sims = t.sims.clone().unwrap();
    let violation = json!({"code": "option_combination_invalid", "field": "option_codes", "conflicting_codes": ["HEAT_PUMP", "DRIVER_ASSIST"]});
    sim_scenario(
        &sims.factory,
        json!({"pause_timeline": true, "reject_next": [violation]}),
    )
    .await;
    let seller = seller(&t, SELLER).await;
    let order = register_sale(&t, &seller, &sale_body("nora@example.com", PHONE)).await;
    pay_senal_at_dealership(&t, &seller, &order).await;

    let e = wait_for_staff_state(&t, &seller, &order, "ORDER_REJECTED", 20).await;
    let violations = e["factory"]["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 1, "{e}");
    assert_eq!(violations[0]["code"], "option_combination_invalid");
    assert_eq!(
        violations[0]["conflicting_codes"],
        json!(["HEAT_PUMP", "DRIVER_ASSIST"])
    );
    assert!(
        e["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "factory_order_rejected"),
        "{e}"
    );
    assert!(e["order"]["factory_order_id"].is_null());
    let alerts = order_alerts(&t, SELLER, &order, "factory_order_rejected").await;
    assert_eq!(alerts.len(), 1, "one staff alert about the refusal");
    assert!(
        alerts[0].resolved_at.is_none() && alerts[0].message.contains("option_combination_invalid"),
        "{alerts:?}"
    );

    // No automatic retry: longer than the first job backoff (2 s ± 20 %).
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(sim_stats(&sims.factory).await["create_requests"], 1);
    assert_eq!(
        staff_view(&t, &seller, &order).await["order"]["state"],
        "ORDER_REJECTED"
    );
    let url = t.url(&format!("/api/v1/sales/{order}/resubmit"));
    let (status, o) = post_json(&url, Some(&seller), &json!({"option_codes": ["HEAT_PUMP"]})).await;
    assert_eq!(status, 200, "{o}");
    assert_eq!(o["option_codes"], json!(["HEAT_PUMP"]));
    let e = wait_for_staff_state(&t, &seller, &order, "ORDERED", 20).await;
    assert!(e["order"]["factory_order_id"]
        .as_str()
        .unwrap()
        .starts_with("fo_"));
    assert_eq!(
        e["factory"]["violations"],
        json!([]),
        "the old reasons are cleared"
    );
    let stats = sim_stats(&sims.factory).await;
    assert_eq!(
        (
            stats["create_requests"].as_u64(),
            stats["orders_created"].as_u64()
        ),
        (Some(2), Some(1)),
        "{stats}"
    );
    let at_factory = get_json(&format!("{}/_sim/orders", sims.factory), None).await;
    assert_eq!(
        at_factory["data"][0]["option_codes"],
        json!(["HEAT_PUMP"]),
        "the factory builds the corrected plan"
    );

    // An order the factory holds cannot be resubmitted.
    let (status, _) = post_json(&url, Some(&seller), &json!({})).await;
    assert_eq!(status, 409);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sim_stats(&sims.factory).await["create_requests"], 2);
}

#[tokio::test]
async fn retries_that_run_out_keep_the_reservation_alert_staff_and_a_resubmission_places_one_order()
{
    let t = app_with(|c| c.factory_max_attempts = 2, Arc::new(SystemClock)).await;
    let sims = t.sims.clone().unwrap();
    sim_scenario(
        &sims.factory,
        json!({"pause_timeline": true, "unavailable_for_next_creates": 10}),
    )
    .await;
    let seller = seller(&t, SELLER).await;
    let order = register_sale(&t, &seller, &sale_body("hugo@example.com", PHONE)).await;

    // A resubmission before anything went wrong is refused.
    let url = t.url(&format!("/api/v1/sales/{order}/resubmit"));
    assert_eq!(post_json(&url, Some(&seller), &json!({})).await.0, 409);

    pay_senal_at_dealership(&t, &seller, &order).await;
    let alerts = wait_for(20, "the retries-exhausted alert", || async {
        let a = order_alerts(&t, SELLER, &order, "factory_order_retries_exhausted").await;
        (!a.is_empty()).then_some(a)
    })
    .await;
    assert_eq!(alerts.len(), 1);
    let e = staff_view(&t, &seller, &order).await;
    assert_eq!(
        e["order"]["state"], "FACTORY_ORDER_PENDING",
        "the reservation is kept: {e}"
    );
    assert_eq!(e["factory"]["attempts"], 2);
    assert!(
        e["factory"]["last_error"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{e}"
    );
    let senal = &e["payments"][0];
    assert!(
        ["CAPTURED", "SETTLED"].contains(&senal["state"].as_str().unwrap()),
        "the señal stays paid: {senal}"
    );
    // Given up: no further attempts on its own.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(sim_stats(&sims.factory).await["create_requests"], 2);

    sim_scenario(&sims.factory, json!({"unavailable_for_next_creates": 0})).await;
    let (status, o) = post_json(&url, Some(&seller), &json!({})).await;
    assert_eq!(status, 200, "{o}");
    let e = wait_for_staff_state(&t, &seller, &order, "ORDERED", 20).await;
    assert!(e["order"]["factory_order_id"]
        .as_str()
        .unwrap()
        .starts_with("fo_"));
    let stats = sim_stats(&sims.factory).await;
    assert_eq!(
        (
            stats["create_requests"].as_u64(),
            stats["orders_created"].as_u64()
        ),
        (Some(3), Some(1)),
        "{stats}"
    );
}

#[tokio::test]
async fn an_order_the_factory_is_silent_about_raises_one_alert_and_a_status_query() {
    let clock = Arc::new(TestClock::new());
    let t = app_with(
        |c| {
            c.silence_check_secs = 1;
            c.factory_silence_alert_minutes = 60;
        },
        clock.clone(),
    )
    .await;
    let sims = t.sims.clone().unwrap();
    sim_scenario(&sims.factory, json!({"pause_timeline": true})).await;
    let seller = seller(&t, SELLER).await;
    let order = register_sale(&t, &seller, &sale_body("olga@example.com", PHONE)).await;
    pay_senal_at_dealership(&t, &seller, &order).await;
    let e = wait_for_staff_state(&t, &seller, &order, "ORDERED", 20).await;
    let fo = e["order"]["factory_order_id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        order_alerts(&t, SELLER, &order, "factory_order_silent")
            .await
            .is_empty(),
        "not silent yet"
    );

    // The factory accepts the order but its webhook never arrives: only /events has it.
    sim_scenario(&sims.factory, json!({"webhook_url": ""})).await;
    assert_eq!(sim_advance(&t, &fo).await["type"], "order.accepted");
    clock.advance(chrono::Duration::hours(2));
    let alerts = wait_for(10, "the silence alert", || async {
        let a = order_alerts(&t, SELLER, &order, "factory_order_silent").await;
        (!a.is_empty()).then_some(a)
    })
    .await;
    let dealership = account_by_email(&t, SELLER).await.dealership_id.unwrap();
    assert_eq!(alerts[0].dealership_id.as_ref(), Some(&dealership));
    // The status query fetched the factory's events and applied the missed one.
    let e = wait_for(10, "the reconciled milestone", || async {
        let e = staff_view(&t, &seller, &order).await;
        e["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "factory.accepted")
            .then_some(e)
    })
    .await;
    assert_eq!(e["factory"]["last_sequence"], 1);
    let jobs = t
        .app
        .store
        .read()
        .await
        .unwrap()
        .list_jobs(Some(JobState::Succeeded), 500)
        .await
        .unwrap();
    assert!(
        jobs.iter().any(|j| j.kind == "reconcile_factory_order"),
        "the status query ran"
    );

    // Silent again while the alert is open: checks go on, the alert is not repeated.
    clock.advance(chrono::Duration::hours(2));
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(
        order_alerts(&t, SELLER, &order, "factory_order_silent")
            .await
            .len(),
        1
    );

    // Once staff resolve it, a silence that goes on is raised (and queried) again.
    let staff = account_by_email(&t, SELLER).await;
    caas_app::orders::staff::resolve_alert(&t.app, &staff, &alerts[0].id)
        .await
        .unwrap();
    let alerts = wait_for(10, "a new silence alert", || async {
        let a = order_alerts(&t, SELLER, &order, "factory_order_silent").await;
        (a.len() == 2).then_some(a)
    })
    .await;
    assert_eq!(alerts.iter().filter(|a| a.resolved_at.is_none()).count(), 1);
    wait_for(10, "a second status query", || async {
        let jobs = t
            .app
            .store
            .read()
            .await
            .unwrap()
            .list_jobs(Some(JobState::Succeeded), 500)
            .await
            .unwrap();
        (jobs
            .iter()
            .filter(|j| j.kind == "reconcile_factory_order")
            .count()
            == 2)
            .then_some(())
    })
    .await;
}
