//! The delivery timeline of each outcome plan, received as signed webhooks,
//! and `/events` matching what was sent byte for byte.

use super::support::{request, types, vin, Receiver, Sim};
use caas_domain::partners_delivery::TransportApi;
use serde_json::{json, Value};
use std::time::Duration;

const DELIVERED: [&str; 3] = [
    "shipment.embarked",
    "shipment.arrived",
    "shipment.delivery_attempted",
];

/// Checks the common `data` of every event and the gap-free sequence.
fn check_common(events: &[Value], shipment_id: &str, reference: &str, vin: &str) {
    for (i, e) in events.iter().enumerate() {
        let d = &e["data"];
        assert!(e["id"].as_str().unwrap().starts_with("evt_trn_"), "{e}");
        assert!(e["occurred_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(d["sequence"], i as i64 + 1, "gap-free sequence: {e}");
        assert_eq!(d["shipment_id"], shipment_id);
        assert_eq!(d["shipment_reference"], reference);
        assert_eq!(d["vin"], vin);
        assert!(d["status"].is_string());
        let handover = &d["handover"];
        if !handover.is_null() {
            assert_eq!(d["outcome"], "delivered", "handover only when delivered");
            assert_eq!(handover["identity_check"]["matches_recipient"], true);
        }
    }
}

#[tokio::test]
async fn carrier_delivered_plan_hands_over_after_the_identity_check() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    let req = request("dlv_delivered", &vin(1));
    let booked = sim.book(&req).await;
    let done = sim.wait_status(&booked.shipment_id, "delivered").await;
    let got = rx.wait_events(&booked.shipment_id, 3).await;
    assert!(
        got.iter().all(|r| r.signature_ok),
        "every signature verifies"
    );
    let events: Vec<Value> = got.iter().map(|r| r.body.clone()).collect();
    assert_eq!(types(events.iter()), DELIVERED);
    check_common(&events, &booked.shipment_id, "dlv_delivered", &req.vin);

    let embarked = &events[0]["data"];
    assert_eq!(embarked["status"], "embarked");
    assert_eq!(embarked["location_id"], "dlr_es_mad_001");
    assert!(embarked["embarked_at"].is_string());
    assert!(embarked["planned_delivery"]["start"].is_string());
    assert!(events[1]["data"]["arrived_at"].is_string());
    let attempt = &events[2]["data"];
    assert_eq!(attempt["status"], "delivered");
    assert_eq!(attempt["attempt_number"], 1);
    assert_eq!(attempt["outcome"], "delivered");
    let handover = &attempt["handover"];
    assert_eq!(handover["receiver_name"], "Lucía García Pérez");
    assert_eq!(
        handover["identity_check"],
        json!({"method": "id_document", "document_type": "dni",
            "document_number_last4": "678Z", "matches_recipient": true})
    );
    assert!(handover["odometer_km"].as_i64().unwrap() > 0);
    assert!(handover["proof_reference"]
        .as_str()
        .unwrap()
        .starts_with("pod_"));
    assert!(handover["handed_over_at"].is_string());
    assert_eq!((done.delivery_attempts, done.last_sequence), (1, 3));

    // `/events` through the client: same ids and the exact bytes sent.
    let listed = sim.client.list_events(&booked.shipment_id).await.unwrap();
    let listed: Vec<(String, String)> = listed.into_iter().map(|e| (e.id, e.body)).collect();
    let sent: Vec<(String, String)> = got.into_iter().map(|r| (r.id, r.raw)).collect();
    assert_eq!(listed, sent);
    let stats = sim.ctl.stats();
    assert_eq!(stats["events_emitted"], 3);
    assert!(stats["webhook_attempts"].as_u64().unwrap() >= 3);
}

#[tokio::test]
async fn carrier_absent_rescheduled_redelivers_in_the_agreed_window() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    sim.control(
        "/_sim/scenario",
        json!({"next_plans": ["absent_rescheduled", "identity_failed_rescheduled"]}),
    )
    .await;
    let first = sim.book(&request("dlv_absent", &vin(2))).await;
    let second = sim.book(&request("dlv_identity", &vin(3))).await;
    sim.wait_status(&first.shipment_id, "delivered").await;
    let done = sim.wait_status(&second.shipment_id, "delivered").await;
    assert_eq!((done.delivery_attempts, done.last_sequence), (2, 7));

    for (id, failure) in [
        (&first.shipment_id, "customer_absent"),
        (&second.shipment_id, "identity_check_failed"),
    ] {
        let events: Vec<Value> = rx
            .wait_events(id, 7)
            .await
            .into_iter()
            .map(|r| r.body)
            .collect();
        let mut expected = DELIVERED.to_vec();
        expected.push("shipment.phone_contact");
        expected.extend(DELIVERED);
        assert_eq!(types(events.iter()), expected);
        check_common(
            &events,
            id,
            events[0]["data"]["shipment_reference"].as_str().unwrap(),
            events[0]["data"]["vin"].as_str().unwrap(),
        );
        let failed = &events[2]["data"];
        assert_eq!(
            (failed["outcome"].as_str(), failed["status"].as_str()),
            (Some(failure), Some("attempt_failed"))
        );
        assert!(
            failed["handover"].is_null(),
            "no handover on a failed attempt"
        );
        let call = &events[3]["data"];
        assert_eq!(call["status"], "awaiting_redelivery");
        assert_eq!(call["outcome"], "reached_new_window_agreed");
        assert_eq!(call["attempt_number"], 1);
        assert!(call["call_attempts"].as_i64().unwrap() >= 1);
        let window = &call["new_delivery_window"];
        assert!(window["start"].is_string());
        let again = &events[4]["data"];
        assert_eq!(
            again["planned_delivery"], *window,
            "redelivery in the agreed window"
        );
        assert_eq!(again["location_id"], "depot_es");
        assert_eq!(events[6]["data"]["attempt_number"], 2);
        assert_eq!(
            events[6]["data"]["handover"]["identity_check"]["matches_recipient"],
            true
        );
    }
    let listed = sim.get_json("/_sim/shipments").await;
    let plans: Vec<&Value> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["plan"])
        .collect();
    assert_eq!(
        plans,
        [
            &json!("absent_rescheduled"),
            &json!("identity_failed_rescheduled")
        ]
    );
    assert_eq!(listed["data"][0]["recipient"]["name"], "Lucía García Pérez");
}

#[tokio::test]
async fn carrier_absent_unreachable_returns_and_waits_for_the_dealership() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    let v = vin(4);
    sim.control(
        "/_sim/scenario",
        json!({"plans_by_vin": {v.clone(): "absent_unreachable"}}),
    )
    .await;
    let s = sim.book(&request("dlv_unreachable", &v)).await;
    sim.wait_status(&s.shipment_id, "returned_to_dealership")
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let events: Vec<Value> = rx
        .wait_events(&s.shipment_id, 5)
        .await
        .into_iter()
        .map(|r| r.body)
        .collect();
    let mut expected = DELIVERED.to_vec();
    expected.extend(["shipment.phone_contact", "shipment.returned_to_dealership"]);
    assert_eq!(
        types(events.iter()),
        expected,
        "no reception without the dealership"
    );
    let call = &events[3]["data"];
    assert_eq!(
        (call["outcome"].as_str(), call["status"].as_str()),
        (Some("not_reachable"), Some("returning_to_dealership"))
    );
    assert_eq!(call["call_attempts"], 3);
    assert!(call["new_delivery_window"].is_null());
    assert_eq!(events[4]["data"]["dealership_id"], "dlr_es_mad_001");
    assert!(events[4]["data"]["returned_at"].is_string());

    let body = json!({"received_by": "Marta Ruiz", "condition_notes": "No damage"});
    let resp = sim
        .control(&format!("/_sim/shipments/{}/received", s.shipment_id), body)
        .await;
    assert_eq!(resp["shipment"]["status"], "received_at_dealership");
    let events: Vec<Value> = rx
        .wait_events(&s.shipment_id, 6)
        .await
        .into_iter()
        .map(|r| r.body)
        .collect();
    let received = &events[5];
    assert_eq!(received["type"], "shipment.received_at_dealership");
    assert_eq!(received["data"]["sequence"], 6);
    assert_eq!(received["data"]["received_by"], "Marta Ruiz");
    assert_eq!(received["data"]["condition_notes"], "No damage");
    assert!(received["data"]["received_at"].is_string());
    check_common(&events, &s.shipment_id, "dlv_unreachable", &v);
    // A second reception is refused; the VIN is free again.
    let again = sim
        .http
        .post(sim.url(&format!("/_sim/shipments/{}/received", s.shipment_id)))
        .json(&json!({"received_by": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    sim.book(&request("dlv_unreachable_2", &v)).await;
}

#[tokio::test]
async fn carrier_absent_twice_never_makes_a_third_attempt() {
    let rx = Receiver::start().await;
    let sim = Sim::start(Some(rx.url.clone())).await;
    sim.control(
        "/_sim/scenario",
        json!({"default_plan": "absent_twice", "auto_receive_at_dealership": true}),
    )
    .await;
    let s = sim.book(&request("dlv_twice", &vin(5))).await;
    let done = sim
        .wait_status(&s.shipment_id, "received_at_dealership")
        .await;
    assert_eq!((done.delivery_attempts, done.last_sequence), (2, 10));
    let events: Vec<Value> = rx
        .wait_events(&s.shipment_id, 10)
        .await
        .into_iter()
        .map(|r| r.body)
        .collect();
    let mut expected = Vec::new();
    for _ in 0..2 {
        expected.extend(DELIVERED);
        expected.push("shipment.phone_contact");
    }
    expected.extend([
        "shipment.returned_to_dealership",
        "shipment.received_at_dealership",
    ]);
    assert_eq!(types(events.iter()), expected);
    check_common(&events, &s.shipment_id, "dlv_twice", &done.vin);
    let attempts: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "shipment.delivery_attempted")
        .collect();
    assert!(attempts
        .iter()
        .all(|e| e["data"]["outcome"] == "customer_absent"));
    let last_call = &events[7]["data"];
    assert_eq!(last_call["attempt_number"], 2);
    assert_eq!(
        last_call["outcome"], "reached_new_window_agreed",
        "the call outcome is reported"
    );
    assert_eq!(
        last_call["status"], "returning_to_dealership",
        "but the vehicle goes back"
    );
    assert!(events[9]["data"]["received_by"].is_string());
}
