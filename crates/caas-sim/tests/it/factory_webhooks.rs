//! Factory simulator over real sockets: the accelerated timeline delivered as
//! signed webhooks, and the webhook failure injection.

use crate::support::factory::{order_body, Receiver, Sim};
use serde_json::{json, Value};

fn is_vin(v: &str) -> bool {
    v.len() == 17
        && v.chars()
            .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"IOQ".contains(c)))
}

async fn create_id(sim: &Sim, reference: &str) -> String {
    let order: Value = sim
        .create(reference, &order_body(reference))
        .await
        .json()
        .await
        .unwrap();
    order["factory_order_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_full_timeline_arrives_signed_with_gap_free_sequences() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    let id = create_id(&sim, "ord_full").await;
    let order = sim.wait_status(&id, "available").await;
    rx.wait_for("vehicle_available", |r| {
        r.iter()
            .any(|w| w.body["type"] == "order.vehicle_available")
    })
    .await;

    assert!(
        rx.received().iter().all(|r| r.signature_ok),
        "every signature verifies"
    );
    let events = rx.events_of(&id);
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        &types[..4],
        [
            "order.accepted",
            "order.production_scheduled",
            "order.estimate_revised",
            "order.production_started"
        ]
    );
    assert_eq!(
        &types[types.len() - 5..],
        [
            "order.quality_control_passed",
            "order.estimate_revised",
            "order.vehicle_completed",
            "order.vehicle_dispatched",
            "order.vehicle_available"
        ]
    );
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["data"]["sequence"], i as i64 + 1, "gap-free sequence");
        assert!(e["occurred_at"].as_str().unwrap().ends_with('Z'));
    }
    let scheduled = &events[1]["data"];
    assert!(scheduled["production_slot_week"]
        .as_str()
        .unwrap()
        .contains("-W"));
    let revised = &events[2]["data"];
    assert_eq!(revised["status"], "scheduled");
    assert!(revised["previous_estimated_completion_date"].is_string());
    assert_eq!(revised["reason_code"], "component_shortage");
    let completed = events
        .iter()
        .find(|e| e["type"] == "order.vehicle_completed")
        .unwrap();
    let vin = completed["data"]["vin"].as_str().unwrap();
    assert!(is_vin(vin), "{vin}");
    assert!(completed["data"]["completed_at"].is_string());
    let available = events.last().unwrap();
    assert_eq!(available["data"]["status"], "available");
    assert_eq!(available["data"]["location"]["locality"], "Madrid");
    assert!(available["data"]["location"]["address"].is_string());
    assert!(available["data"]["available_from"].is_string());
    assert_eq!(order["vin"], vin);
    assert_eq!(order["last_sequence"], events.len() as i64);
    assert_eq!(
        order["estimated_completion_date"],
        completed["data"]["estimated_completion_date"]
    );

    // `/events` lists exactly what was sent, same ids and bodies.
    let listed = sim.get_json(&format!("/v1/orders/{id}/events")).await;
    assert_eq!(listed["data"], Value::Array(events));
}

#[tokio::test]
async fn quality_control_failures_send_the_vehicle_back_to_assembly() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    sim.control(
        "/_sim/scenario",
        json!({"qc_failures": 2, "revisions": [-3]}),
    )
    .await;
    let id = create_id(&sim, "ord_qc").await;
    sim.wait_status(&id, "available").await;
    let listed = sim.get_json(&format!("/v1/orders/{id}/events")).await;
    let events = listed["data"].as_array().unwrap();
    let fails: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "order.quality_control_failed")
        .collect();
    assert_eq!(fails.len(), 2);
    assert!(fails
        .iter()
        .all(|e| e["data"]["status"] == "in_production"
            && e["data"]["defects"][0]["code"].is_string()));
    let assemblies = events
        .iter()
        .filter(|e| e["type"] == "order.assembly_completed")
        .count();
    assert_eq!(assemblies, 3);
    let earlier = &events[2]["data"];
    assert_eq!(
        earlier["reason_code"], "capacity",
        "a revision brought forward"
    );
    assert!(
        earlier["estimated_completion_date"].as_str()
            < earlier["previous_estimated_completion_date"].as_str()
    );
    assert!(events
        .iter()
        .any(|e| e["data"]["reason_code"] == "quality_rework"));
}

#[tokio::test]
async fn dropped_events_are_not_sent_but_stay_listed_in_events() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    sim.control("/_sim/scenario", json!({"webhooks": {"drop_types": ["order.production_started", "order.vehicle_completed"]}})).await;
    let id = create_id(&sim, "ord_drop").await;
    sim.wait_status(&id, "available").await;
    rx.wait_for("vehicle_available", |r| {
        r.iter()
            .any(|w| w.body["type"] == "order.vehicle_available")
    })
    .await;
    let sent: Vec<String> = rx
        .events_of(&id)
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert!(!sent
        .iter()
        .any(|t| t == "order.production_started" || t == "order.vehicle_completed"));
    let listed = sim.get_json(&format!("/v1/orders/{id}/events")).await;
    let listed_types: Vec<&str> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert!(listed_types.contains(&"order.production_started"));
    assert!(listed_types.contains(&"order.vehicle_completed"));
    assert_eq!(listed_types.len(), sent.len() + 2);
    assert_eq!(sim.stats().await["webhook_dropped"], 2);
}

#[tokio::test]
async fn duplicated_deliveries_carry_the_same_webhook_id() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    sim.control(
        "/_sim/scenario",
        json!({"pause_timeline": true, "webhooks": {"duplicates": 2}}),
    )
    .await;
    let id = create_id(&sim, "ord_dupes").await;
    let advanced = sim
        .control(&format!("/_sim/orders/{id}/advance"), json!({}))
        .await;
    let event_id = advanced["event"]["id"].as_str().unwrap().to_owned();
    rx.wait_for("three copies", |r| r.len() >= 3).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let got = rx.received();
    assert_eq!(got.len(), 3);
    assert!(got
        .iter()
        .all(|r| r.id == event_id && r.signature_ok && r.body["data"]["sequence"] == 1));
}

#[tokio::test]
async fn a_delivery_answered_500_is_retried_with_the_same_id_until_it_succeeds() {
    let rx = Receiver::start().await;
    rx.fail_next(2);
    let sim = Sim::start(Some(rx.url.clone())).await;
    sim.control("/_sim/scenario", json!({"pause_timeline": true}))
        .await;
    let id = create_id(&sim, "ord_retry").await;
    sim.control(&format!("/_sim/orders/{id}/advance"), json!({}))
        .await;
    rx.wait_for("a third attempt", |r| r.len() >= 3).await;
    let got = rx.received();
    assert!(got.iter().all(|r| r.id == got[0].id && r.signature_ok));
    let stats = sim.stats().await;
    assert_eq!(stats["webhook_attempts"], 3);
    assert_eq!(stats["webhook_deliveries_ok"], 1);
    let log = sim.ctl.webhooks().attempt_log();
    assert_eq!(log.iter().map(|a| a.attempt).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(log[0].status, Some(500));
}

#[tokio::test]
async fn shuffled_events_all_arrive_and_a_factory_cancel_ends_the_timeline() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    sim.control(
        "/_sim/scenario",
        json!({"factory_cancel_next": 1, "webhooks": {"shuffle": true, "shuffle_window": 4}}),
    )
    .await;
    let id = create_id(&sim, "ord_shuffle").await;
    let order = sim.wait_status(&id, "cancelled").await;
    assert_eq!(order["last_sequence"], 4);
    rx.wait_for("four events", |r| r.len() >= 4).await;
    let events = rx.events_of(&id);
    assert_eq!(events.len(), 4);
    assert_eq!(events[3]["type"], "order.cancelled");
    assert_eq!(events[3]["data"]["cancelled_by"], "factory");
}

#[tokio::test]
async fn a_410_gone_disables_the_endpoint_until_a_new_url_is_set() {
    let rx = Receiver::start().await;
    rx.answer_next(1, 410);
    let sim = Sim::start(Some(rx.url.clone())).await;
    sim.control("/_sim/scenario", json!({"pause_timeline": true}))
        .await;
    let id = create_id(&sim, "ord_gone").await;
    let advance = format!("/_sim/orders/{id}/advance");
    sim.control(&advance, json!({})).await;
    rx.wait_for("the 410 attempt", |r| !r.is_empty()).await;
    sim.control(&advance, json!({})).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(rx.received().len(), 1, "nothing sent after 410");
    let stats = sim.stats().await;
    assert_eq!(stats["webhook_disabled"], true);
    sim.control("/_sim/scenario", json!({"webhook_url": rx.url}))
        .await;
    sim.control(&advance, json!({})).await;
    rx.wait_for("delivery after re-enabling", |r| r.len() == 2)
        .await;
    assert_eq!(rx.received()[1].body["data"]["sequence"], 3);
}
