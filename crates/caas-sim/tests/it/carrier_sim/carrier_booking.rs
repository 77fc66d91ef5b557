//! Booking through the platform's `TransportClient`: idempotent replay,
//! conflicts, every validation violation, raw contract errors, and the
//! classification of 503, timeouts and connection failures.

use super::support::{request, vin, Sim};
use caas_domain::partners::CallError;
use caas_domain::partners_delivery::{ShipmentError, TimeWindow, TransportApi};
use caas_partners::transport::TransportClient;
use caas_sim::carrier::DEFAULT_API_KEY;
use chrono::{Duration as Span, Utc};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;

/// The `(status, code, details)` of a refusal; panics otherwise.
fn refused(r: Result<impl std::fmt::Debug, ShipmentError>) -> (u16, String, Value) {
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
async fn carrier_booking_is_replayed_for_the_same_key() {
    let sim = Sim::start(None).await;
    let req = request("dlv_replay", &vin(10));
    let first = sim.client.book(&req, "key-replay").await.unwrap();
    let again = sim.client.book(&req, "key-replay").await.unwrap();
    assert_eq!(first, again, "same key, same body: the stored 201");
    assert_eq!(first.status, "booked");
    assert!(first.shipment_id.starts_with("shp_"));
    let carrier = first.carrier.clone().unwrap();
    assert!(carrier.phone.starts_with('+') && !carrier.name.is_empty());
    let pickup = first.planned_pickup.clone().unwrap();
    assert!(pickup.start >= req.earliest_pickup_at);
    let delivery = first.planned_delivery.clone().unwrap();
    assert!(delivery.end > delivery.start && delivery.end - delivery.start <= Span::hours(4));
    assert!(delivery.start >= pickup.start);

    let mut other = req.clone();
    other.plate_number = "0000 XXX".into();
    let (status, code, _) = refused(sim.client.book(&other, "key-replay").await);
    assert_eq!((status, code.as_str()), (409, "idempotency_key_reused"));
    let stats = sim.ctl.stats();
    assert_eq!(
        (
            stats["bookings_requests"].as_u64(),
            stats["shipments_created"].as_u64()
        ),
        (Some(3), Some(1))
    );

    // A preferred window is honoured when it fits.
    let start = pickup.start + Span::days(1);
    let mut pref = request("dlv_pref", &vin(11));
    pref.preferred_delivery_window = Some(TimeWindow {
        start,
        end: start + Span::hours(3),
    });
    let s = sim.book(&pref).await;
    assert_eq!(s.planned_delivery, pref.preferred_delivery_window);
}

#[tokio::test]
async fn carrier_conflicts_name_the_existing_shipment() {
    let sim = Sim::start(None).await;
    sim.control("/_sim/scenario", json!({"pause_timeline": true}))
        .await;
    let first = sim.book(&request("dlv_a", &vin(20))).await;
    let (status, code, details) = refused(sim.client.book(&request("dlv_b", &vin(20)), "k2").await);
    assert_eq!((status, code.as_str()), (409, "active_shipment_exists"));
    assert_eq!(details["shipment_id"], first.shipment_id.as_str());
    let (status, code, details) = refused(sim.client.book(&request("dlv_a", &vin(21)), "k3").await);
    assert_eq!(
        (status, code.as_str()),
        (409, "duplicate_shipment_reference")
    );
    assert_eq!(details["shipment_id"], first.shipment_id.as_str());
    // Once cancelled (final), the VIN can be booked again.
    sim.client
        .cancel(&first.shipment_id, "order_cancelled")
        .await
        .unwrap();
    sim.book(&request("dlv_c", &vin(20))).await;
}

#[tokio::test]
async fn carrier_validation_lists_every_violation() {
    let sim = Sim::start(None).await;
    let mut req = request("dlv_invalid", &vin(30));
    req.destination.contact_phone = "612 345 678".into();
    req.destination.address.postal_code = "00000".into();
    req.destination.address.country = "GB".into();
    req.earliest_pickup_at = Utc::now() + Span::days(61);
    let start = Utc::now() + Span::days(62);
    req.preferred_delivery_window = Some(TimeWindow {
        start,
        end: start + Span::hours(5),
    });
    let (status, code, details) = refused(sim.client.book(&req, "k-invalid").await);
    assert_eq!((status, code.as_str()), (422, "validation_failed"));
    let found: BTreeSet<(String, String)> = details["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["code"].as_str().unwrap().to_owned(),
                v["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("address_not_serviceable", "destination.address.country"),
        ("address_not_serviceable", "destination.address.postal_code"),
        ("invalid_phone", "destination.contact_phone"),
        ("earliest_pickup_too_far", "earliest_pickup_at"),
        ("invalid_window", "preferred_delivery_window"),
    ]
    .iter()
    .map(|(c, f)| ((*c).to_owned(), (*f).to_owned()))
    .collect();
    assert_eq!(found, expected);
    let mut inverted = request("dlv_inverted", &vin(31));
    inverted.preferred_delivery_window = Some(TimeWindow { start, end: start });
    let (_, _, details) = refused(sim.client.book(&inverted, "k-inv").await);
    assert_eq!(details["violations"][0]["code"], "invalid_window");

    // Raw HTTP: missing key, malformed body, bad VIN, bad credentials.
    let body = serde_json::to_value(request("dlv_raw", &vin(32))).unwrap();
    let post = |key: Option<&str>, token: &str, body: Value| {
        let mut rb = sim
            .http
            .post(sim.url("/v1/shipments"))
            .bearer_auth(token)
            .json(&body);
        if let Some(k) = key {
            rb = rb.header("Idempotency-Key", k);
        }
        rb.send()
    };
    let code = |v: Value| v["error"]["code"].as_str().unwrap().to_owned();
    let r = post(None, DEFAULT_API_KEY, body.clone()).await.unwrap();
    assert_eq!(
        (r.status().as_u16(), code(r.json().await.unwrap())),
        (400, "idempotency_key_required".into())
    );
    let mut no_recipient = body.clone();
    no_recipient.as_object_mut().unwrap().remove("recipient");
    let r = post(Some("k"), DEFAULT_API_KEY, no_recipient)
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), code(r.json().await.unwrap())),
        (400, "invalid_request".into())
    );
    let mut bad_vin = body.clone();
    bad_vin["vin"] = json!("VSSZZZ5FZR600012I");
    let r = post(Some("k"), DEFAULT_API_KEY, bad_vin).await.unwrap();
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["details"]["field"], "vin");
    let r = post(Some("k"), "wrong", body).await.unwrap();
    assert_eq!(r.status(), 401);
    let wrong =
        TransportClient::new(&sim.handle.base_url, "wrong", Duration::from_secs(5)).unwrap();
    let err = wrong
        .book(&request("dlv_x", &vin(33)), "k")
        .await
        .unwrap_err();
    assert!(
        matches!(err, ShipmentError::Call(CallError::Unauthorized(_))),
        "{err:?}"
    );
    assert_eq!(sim.ctl.stats()["shipments_created"], 0);
}

#[tokio::test]
async fn carrier_unavailable_is_transient_and_retrying_the_key_books_once() {
    let sim = Sim::start(None).await;
    sim.control(
        "/_sim/scenario",
        json!({"unavailable_next": 1, "retry_after_secs": 3}),
    )
    .await;
    let req = request("dlv_503", &vin(40));
    let err = sim.client.book(&req, "k-503").await.unwrap_err();
    match err {
        ShipmentError::Call(CallError::Transient {
            retry_after_secs, ..
        }) => assert_eq!(retry_after_secs, Some(3)),
        other => panic!("expected transient, got {other:?}"),
    }
    let s = sim.client.book(&req, "k-503").await.unwrap();
    assert_eq!(s.status, "booked");
    assert_eq!(sim.ctl.stats()["shipments_created"], 1);
}

#[tokio::test]
async fn carrier_slow_booking_times_out_then_the_retry_replays_it() {
    let sim = Sim::start(None).await;
    sim.control("/_sim/scenario", json!({"slow_next": 1, "slow_ms": 1500}))
        .await;
    let impatient = TransportClient::new(
        &sim.handle.base_url,
        DEFAULT_API_KEY,
        Duration::from_millis(300),
    )
    .unwrap();
    let req = request("dlv_slow", &vin(50));
    let err = impatient.book(&req, "k-slow").await.unwrap_err();
    assert!(
        matches!(err, ShipmentError::Call(CallError::Transient { .. })),
        "{err:?}"
    );
    let s = sim.client.book(&req, "k-slow").await.unwrap();
    let listed = sim.get_json("/_sim/shipments").await;
    assert_eq!(
        listed["data"].as_array().unwrap().len(),
        1,
        "booked exactly once"
    );
    assert_eq!(listed["data"][0]["shipment_id"], s.shipment_id.as_str());
    assert_eq!(sim.client.get_shipment("shp_unknown").await.unwrap(), None);

    // Nobody listening: a connection failure is transient too.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = TransportClient::new(&dead, DEFAULT_API_KEY, Duration::from_secs(2)).unwrap();
    let err = client.book(&req, "k").await.unwrap_err();
    assert!(
        matches!(err, ShipmentError::Call(CallError::Transient { .. })),
        "{err:?}"
    );
    assert!(matches!(
        client.list_events("shp_x").await,
        Err(CallError::Transient { .. })
    ));
    assert!(TransportClient::new("not a url", "k", Duration::from_secs(1)).is_err());
}
