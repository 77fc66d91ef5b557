//! Maintenance status from VSS through the platform's cache, against the
//! embedded VSS simulator over a real socket, with a test clock: the first
//! read fetches and caches both endpoints, a second within `max-age` asks
//! nothing, after `max-age` the copy is revalidated with `If-None-Match`
//! (304), while VSS answers 503 the copy is served as stale with its
//! retrieval time and VSS is not called again before `Retry-After`, and a
//! VIN VSS does not know is not asked again for minutes.

use crate::support::app::*;
use crate::support::journey::{post_json, sim_scenario, sim_stats};
use caas_app::maintenance::maintenance_view;
use caas_domain::clock::Clock;
use caas_domain::maintenance::{BlockStatus, MaintenanceView};
use caas_store_tests::TestClock;
use chrono::Duration;
use serde_json::{json, Value};
use std::sync::Arc;

const VIN: &str = "VSSZZZ5FZR6000123";

async fn app_with_clock(
    tweak: impl FnOnce(&mut caas_server::config::Config),
) -> (TestApp, TestClock, String) {
    let clock = TestClock::new();
    let t = spawn_app_with(tweak, Arc::new(clock.clone())).await;
    let vss = t.sims.as_ref().expect("embedded simulators").vss.clone();
    (t, clock, vss)
}

async fn preset(vss: &str, vin: &str, name: &str) {
    let url = format!("{vss}/_sim/vehicles/{vin}/preset");
    let (status, v) = post_json(&url, None, &json!({ "preset": name })).await;
    assert_eq!(status, 200, "{v}");
}

async fn count(vss: &str, key: &str) -> u64 {
    let stats: Value = sim_stats(vss).await;
    stats[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no {key} in {stats}"))
}

async fn view(t: &TestApp) -> MaintenanceView {
    maintenance_view(&t.app, VIN).await.expect("a view")
}

#[tokio::test]
async fn the_first_read_fetches_and_caches_and_a_second_within_max_age_asks_vss_nothing() {
    let (t, clock, vss) = app_with_clock(|_| {}).await;
    preset(&vss, VIN, "void_warranty").await;
    let first = view(&t).await;
    let MaintenanceView::Current(s) = &first else {
        panic!("expected current data, got {first:?}");
    };
    assert_eq!(s.retrieved_at, clock.now());
    assert!(!s.warranty_valid && !s.plan_up_to_date);
    assert_eq!(
        s.warranty_void_reason.as_deref(),
        Some("maintenance_overdue")
    );
    assert_eq!(
        s.block("battery").map(|b| b.status),
        Some(BlockStatus::Overdue)
    );
    assert_eq!(s.visits.len(), 1);
    assert_eq!(s.visits[0].workshop_name, "Taller Oficial Chamartín");
    assert_eq!(
        (count(&vss, "requests").await, count(&vss, "ok").await),
        (2, 2)
    );
    let mut tx = t.app.store.single_read().await.unwrap();
    assert_eq!(
        tx.list_vss_cache(VIN).await.unwrap().len(),
        2,
        "both endpoints cached"
    );
    drop(tx);

    clock.advance(Duration::seconds(899));
    assert_eq!(view(&t).await, first, "the same copy, same retrieval time");
    assert_eq!(count(&vss, "requests").await, 2, "VSS was not asked");
}

#[tokio::test]
async fn after_max_age_the_copy_is_revalidated_with_if_none_match_and_304_renews_it() {
    let (t, clock, vss) = app_with_clock(|_| {}).await;
    preset(&vss, VIN, "ok").await;
    let MaintenanceView::Current(first) = view(&t).await else {
        panic!("expected current data");
    };
    clock.advance(Duration::seconds(901));
    let MaintenanceView::Current(again) = view(&t).await else {
        panic!("expected current data after revalidation");
    };
    assert_eq!(
        count(&vss, "not_modified").await,
        2,
        "both endpoints answered 304"
    );
    assert_eq!(count(&vss, "ok").await, 2, "no body was sent again");
    assert_eq!(
        again.retrieved_at,
        clock.now(),
        "a 304 renews the retrieval time"
    );
    assert_eq!(again.blocks, first.blocks);
    clock.advance(Duration::seconds(600));
    view(&t).await;
    assert_eq!(
        count(&vss, "requests").await,
        4,
        "the renewed copy counts max-age from the 304"
    );
}

#[tokio::test]
async fn while_vss_answers_503_the_cached_copy_is_served_as_stale_and_retry_after_is_honoured() {
    let (t, clock, vss) = app_with_clock(|_| {}).await;
    preset(&vss, VIN, "overdue_battery").await;
    let t0 = clock.now();
    assert!(matches!(view(&t).await, MaintenanceView::Current(_)));
    clock.advance(Duration::seconds(1000));
    sim_scenario(
        &vss,
        json!({"unavailable_next": 10, "retry_after_secs": 120}),
    )
    .await;

    let stale = view(&t).await;
    let MaintenanceView::Stale(s) = &stale else {
        panic!("expected the cached copy, got {stale:?}");
    };
    assert_eq!(s.retrieved_at, t0, "marked with its retrieval time");
    assert_eq!(
        s.block("battery").map(|b| b.status),
        Some(BlockStatus::Overdue)
    );
    assert_eq!(
        count(&vss, "unavailable").await,
        1,
        "the second endpoint waits for Retry-After too"
    );

    clock.advance(Duration::seconds(119));
    assert_eq!(view(&t).await, stale);
    assert_eq!(
        count(&vss, "unavailable").await,
        1,
        "not asked again before Retry-After"
    );

    sim_scenario(&vss, json!({"unavailable_next": 0})).await;
    clock.advance(Duration::seconds(1));
    let MaintenanceView::Current(back) = view(&t).await else {
        panic!("expected current data once VSS is back");
    };
    assert_eq!(back.retrieved_at, clock.now());
    assert_eq!(count(&vss, "not_modified").await, 2);
}

#[tokio::test]
async fn a_vin_vss_does_not_know_is_no_data_and_not_asked_again_for_minutes() {
    let (t, clock, vss) =
        app_with_clock(|c| c.maintenance.sim_vss_unknown_vins = "none".into()).await;
    assert_eq!(view(&t).await, MaintenanceView::NoData);
    assert_eq!(
        count(&vss, "not_found").await,
        1,
        "compliance said 404; the record is not asked"
    );
    clock.advance(Duration::minutes(4));
    assert_eq!(view(&t).await, MaintenanceView::NoData);
    assert_eq!(
        count(&vss, "requests").await,
        1,
        "no second ask within minutes"
    );
    clock.advance(Duration::minutes(2));
    assert_eq!(view(&t).await, MaintenanceView::NoData);
    assert_eq!(
        count(&vss, "requests").await,
        2,
        "asked again after a few minutes"
    );
}

#[tokio::test]
async fn vss_down_with_no_copy_is_unreachable() {
    let (t, _clock, vss) = app_with_clock(|_| {}).await;
    sim_scenario(&vss, json!({"unavailable_next": 1})).await;
    assert_eq!(view(&t).await, MaintenanceView::Unreachable);
}

#[tokio::test]
async fn readers_of_the_same_car_at_once_make_one_round_of_calls_to_vss() {
    let (t, _clock, vss) = app_with_clock(|_| {}).await;
    preset(&vss, VIN, "ok").await;
    sim_scenario(&vss, json!({"latency_ms": 300})).await;
    // Eight readers on tasks of their own, as eight requests would be.
    let readers = (0..8).map(|_| {
        let app = t.app.clone();
        tokio::spawn(async move { maintenance_view(&app, VIN).await.expect("a view") })
    });
    let views: Vec<MaintenanceView> = futures::future::join_all(readers)
        .await
        .into_iter()
        .map(|r| r.expect("reader"))
        .collect();
    assert!(
        views
            .iter()
            .all(|v| matches!(v, MaintenanceView::Current(_))),
        "{views:?}"
    );
    assert_eq!(
        count(&vss, "requests").await,
        2,
        "compliance and record asked once for eight readers"
    );
    assert_eq!(
        t.app.partners.vss_memory.flights_in_progress(),
        0,
        "no lock left behind"
    );
}
