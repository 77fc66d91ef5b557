//! Cancel and reschedule rules through the client, manual stepping of a
//! paused timeline, and the webhook failure injection.

use super::support::{request, types, vin, Receiver, Sim};
use caas_domain::partners_delivery::{ShipmentError, TimeWindow, TransportApi};
use chrono::{Duration as Span, Utc};
use serde_json::{json, Value};
use std::time::Duration;

fn window(days: i64, hours: i64) -> TimeWindow {
    let start = (Utc::now() + Span::days(days))
        .date_naive()
        .and_hms_opt(15, 0, 0)
        .unwrap()
        .and_utc();
    TimeWindow {
        start,
        end: start + Span::hours(hours),
    }
}

fn refusal(r: Result<impl std::fmt::Debug, ShipmentError>) -> (u16, String, Value) {
    match r {
        Err(ShipmentError::Refused {
            status,
            code,
            details,
            ..
        }) => (status, code, details),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn carrier_cancel_only_while_booked_and_idempotently() {
    let sim = Sim::start(None).await;
    sim.control("/_sim/scenario", json!({"pause_timeline": true}))
        .await;
    let s = sim.book(&request("dlv_cancel", &vin(60))).await;
    let cancelled = sim
        .client
        .cancel(&s.shipment_id, "order_cancelled")
        .await
        .unwrap();
    assert_eq!(cancelled.status, "cancelled");
    let again = sim
        .client
        .cancel(&s.shipment_id, "order_cancelled")
        .await
        .unwrap();
    assert_eq!(again.status, "cancelled", "cancelling twice is fine");
    let advanced = sim
        .control(
            &format!("/_sim/shipments/{}/advance", s.shipment_id),
            json!({}),
        )
        .await;
    assert!(
        advanced["event"].is_null(),
        "a cancelled shipment never moves"
    );

    let moving = sim.book(&request("dlv_moving", &vin(61))).await;
    let step = sim
        .control(
            &format!("/_sim/shipments/{}/advance", moving.shipment_id),
            json!({}),
        )
        .await;
    assert_eq!(step["event"]["type"], "shipment.embarked");
    let (status, code, details) = refusal(sim.client.cancel(&moving.shipment_id, "late").await);
    assert_eq!((status, code.as_str()), (409, "shipment_not_cancellable"));
    assert_eq!(details["status"], "embarked");
    let (status, code, _) = refusal(sim.client.cancel("shp_nope", "x").await);
    assert_eq!((status, code.as_str()), (404, "shipment_not_found"));
}

#[tokio::test]
async fn carrier_reschedule_moves_the_window_without_a_webhook() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    sim.control("/_sim/scenario", json!({"pause_timeline": true}))
        .await;
    let s = sim.book(&request("dlv_resched", &vin(70))).await;
    let id = s.shipment_id.as_str();
    let wanted = window(5, 4);
    let moved = sim
        .client
        .reschedule(id, &wanted, "customer_request", "r1")
        .await
        .unwrap();
    assert_eq!(moved.planned_delivery.as_ref(), Some(&wanted));
    let replay = sim
        .client
        .reschedule(id, &wanted, "customer_request", "r1")
        .await
        .unwrap();
    assert_eq!(replay, moved);

    sim.control("/_sim/scenario", json!({"window_not_available_next": 1}))
        .await;
    let busy = window(6, 4);
    let (status, code, details) = refusal(
        sim.client
            .reschedule(id, &busy, "customer_request", "r2")
            .await,
    );
    assert_eq!((status, code.as_str()), (422, "window_not_available"));
    let alternatives: Vec<TimeWindow> =
        serde_json::from_value(details["alternatives"].clone()).unwrap();
    assert_eq!(alternatives.len(), 2);
    assert!(alternatives
        .iter()
        .all(|w| w.start > busy.start && w.end - w.start == Span::hours(4)));
    let (_, code, _) = refusal(
        sim.client
            .reschedule(id, &busy, "customer_request", "r2")
            .await,
    );
    assert_eq!(
        code, "window_not_available",
        "the 422 is stored with its key"
    );
    let ok = sim
        .client
        .reschedule(id, &busy, "customer_request", "r3")
        .await
        .unwrap();
    assert_eq!(ok.planned_delivery.as_ref(), Some(&busy));
    let (status, code, details) =
        refusal(sim.client.reschedule(id, &window(7, 5), "x", "r4").await);
    assert_eq!((status, code.as_str()), (422, "validation_failed"));
    assert_eq!(details["violations"][0]["code"], "invalid_window");

    // Embarked: still reschedulable (the embark carried the window of then).
    sim.control(&format!("/_sim/shipments/{id}/advance"), json!({}))
        .await;
    let later = window(9, 4);
    sim.client
        .reschedule(id, &later, "customer_request", "r5")
        .await
        .unwrap();
    for _ in 0..2 {
        sim.control(&format!("/_sim/shipments/{id}/advance"), json!({}))
            .await;
    }
    let done = sim.client.get_shipment(id).await.unwrap().unwrap();
    assert_eq!(
        (done.status.as_str(), done.planned_delivery.as_ref()),
        ("delivered", Some(&later))
    );
    let (status, code, details) =
        refusal(sim.client.reschedule(id, &window(8, 2), "x", "r6").await);
    assert_eq!((status, code.as_str()), (409, "shipment_not_reschedulable"));
    assert_eq!(details["status"], "delivered");
    let events = rx.wait_events(id, 3).await;
    assert_eq!(
        events[0].body["data"]["planned_delivery"],
        serde_json::to_value(&busy).unwrap()
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        rx.events_of(id).len(),
        3,
        "no webhook for platform reschedules"
    );
}

#[tokio::test]
async fn carrier_reschedule_after_a_failed_attempt_becomes_the_agreed_window() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    let plan = json!({"pause_timeline": true, "next_plans": ["absent_rescheduled"]});
    sim.control("/_sim/scenario", plan).await;
    let s = sim.book(&request("dlv_failed_resched", &vin(75))).await;
    let id = s.shipment_id.as_str();
    let advance = || async {
        sim.control(&format!("/_sim/shipments/{id}/advance"), json!({}))
            .await
    };
    for _ in 0..3 {
        advance().await;
    }
    let wanted = window(3, 4);
    let failed = sim
        .client
        .reschedule(id, &wanted, "customer_request", "f1")
        .await
        .unwrap();
    assert_eq!(failed.status, "attempt_failed");
    let call = advance().await;
    assert_eq!(
        call["event"]["data"]["new_delivery_window"],
        serde_json::to_value(&wanted).unwrap()
    );
    assert_eq!(call["shipment"]["status"], "awaiting_redelivery");
    let later = window(4, 2);
    sim.client
        .reschedule(id, &later, "customer_request", "f2")
        .await
        .unwrap();
    let embark = advance().await;
    assert_eq!(
        embark["event"]["data"]["planned_delivery"],
        serde_json::to_value(&later).unwrap()
    );
    assert_eq!(rx.wait_events(id, 5).await.len(), 5);
}

#[tokio::test]
async fn carrier_paused_timeline_only_moves_when_advanced() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    sim.control("/_sim/scenario", json!({"pause_timeline": true}))
        .await;
    let s = sim.book(&request("dlv_paused", &vin(80))).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(rx.events_of(&s.shipment_id).is_empty());
    let step = sim.ctl.advance(&s.shipment_id).unwrap();
    assert_eq!(step["type"], "shipment.embarked");
    assert_eq!(sim.ctl.stats()["events_emitted"], 1);
    sim.control("/_sim/scenario", json!({"pause_timeline": false}))
        .await;
    sim.wait_status(&s.shipment_id, "delivered").await;
    assert_eq!(rx.wait_events(&s.shipment_id, 3).await.len(), 3);
}

#[tokio::test]
async fn carrier_webhook_faults_duplicate_and_drop_but_events_list_everything() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    let faults = json!({"duplicates": 1, "drop_types": ["shipment.arrived"]});
    let view = sim
        .control("/_sim/scenario", json!({"webhooks": faults}))
        .await;
    assert_eq!(view["webhooks"]["duplicates"], 1);
    let s = sim.book(&request("dlv_faults", &vin(90))).await;
    sim.wait_status(&s.shipment_id, "delivered").await;
    let got = rx.wait_events(&s.shipment_id, 2).await;
    assert_eq!(
        types(got.iter().map(|r| &r.body)),
        ["shipment.embarked", "shipment.delivery_attempted"]
    );
    for _ in 0..200 {
        if rx.received().len() >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let copies = rx.received().iter().filter(|r| r.id == got[0].id).count();
    assert_eq!(copies, 2, "one duplicate with the same webhook-id");
    assert!(rx.received().iter().all(|r| r.signature_ok));
    let listed = sim.client.list_events(&s.shipment_id).await.unwrap();
    let listed: Vec<Value> = listed
        .iter()
        .map(|e| serde_json::from_str(&e.body).unwrap())
        .collect();
    assert_eq!(
        types(listed.iter()),
        [
            "shipment.embarked",
            "shipment.arrived",
            "shipment.delivery_attempted"
        ]
    );
    assert_eq!(sim.ctl.stats()["webhook_dropped"], 1);

    sim.control("/_sim/reset", json!({})).await;
    let view = sim.get_json("/_sim/scenario").await;
    assert_eq!(view["webhooks"]["duplicates"], 0);
    assert_eq!(view["default_plan"], "delivered");
    let bad = sim
        .http
        .post(sim.url("/_sim/scenario"))
        .json(&json!({"next_plans": ["teleported"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}
