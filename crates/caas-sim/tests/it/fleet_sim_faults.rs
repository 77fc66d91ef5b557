//! Fleet simulator failure injection and connectivity over a real broker
//! (embedded rumqttd and the local Mosquitto), through the real `FleetLink`:
//! presence and last will, commands queued while offline, injected
//! rejections/failures, missing, late and duplicate replies, HTTP controls.

use crate::support::fleet::{command, enable, env, error_code, eventually, link_key};
use caas_domain::fleet::{CommandOutcome, FleetApi, ReplyStatus};
use caas_fleet::testing::TestBroker;
use serde_json::json;
use std::time::{Duration, Instant};

caas_fleet::both_brokers!(
    presence_goes_online_then_last_will_after_a_silent_offline_then_shutdown,
    a_command_sent_while_offline_is_executed_after_reconnect,
    injected_rejections_and_hardware_faults,
    missing_late_and_duplicate_replies,
);

async fn presence_goes_online_then_last_will_after_a_silent_offline_then_shutdown(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({})).await;
    let status_is = |want: &'static str, reason: Option<&'static str>| {
        let sink = e.sink.clone();
        let vin = vin.clone();
        move || {
            sink.presences(&vin)
                .last()
                .is_some_and(|(p, _)| p.status == want && p.reason.as_deref() == reason)
        }
    };
    eventually("presence online", status_is("online", None)).await;
    assert_eq!(
        e.sink.presences(&vin)[0].0.firmware_version.as_deref(),
        Some("4.2.1")
    );
    let went = Instant::now();
    let (status, view) = e
        .post(&format!("/_sim/vehicles/{vin}/offline"), json!({}))
        .await;
    assert_eq!((status, &view["connection"]), (200, &json!("silent")));
    // 1.5 × the 2 s keep-alive, plus Mosquitto's coarse (~5 s) keep-alive check.
    let lost = status_is("offline", Some("connection_lost"));
    let lost = caas_fleet::testing::wait_until(Duration::from_secs(10), lost).await;
    assert!(lost, "last will after 1.5 × keep-alive");
    let after = went.elapsed();
    assert!(
        after >= Duration::from_millis(2500),
        "not before the keep-alive ran out: {after:?}"
    );
    let (will, received_at) = e.sink.presences(&vin).last().cloned().unwrap();
    assert_eq!(will.at, None);
    assert!(received_at <= chrono::Utc::now());
    assert_eq!(
        e.link.presence(&vin).unwrap().reason.as_deref(),
        Some("connection_lost")
    );
    // A command sent meanwhile waits in the persistent session.
    let cmd = enable("HEAT_PUMP", None);
    assert_eq!(
        e.send(&vin, &cmd, Duration::from_millis(200)).await,
        CommandOutcome::Unanswered
    );

    let (status, body) = e
        .post(&format!("/_sim/vehicles/{vin}/online"), json!({}))
        .await;
    assert_eq!((status, &body["online"]), (200, &json!(true)));
    eventually("online again", status_is("online", None)).await;
    eventually("the queued command answered", || {
        e.finals(&vin, cmd.command_id()).len() == 1
    })
    .await;
    let (status, view) = e
        .post(
            &format!("/_sim/vehicles/{vin}/offline"),
            json!({"clean": true}),
        )
        .await;
    assert_eq!((status, &view["connection"]), (200, &json!("shutdown")));
    let ok = caas_fleet::testing::wait_until(
        Duration::from_secs(5),
        status_is("offline", Some("shutdown")),
    )
    .await;
    assert!(ok, "presence shutdown: {:#?}", e.sink.presences(&vin));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        status_is("offline", Some("shutdown"))(),
        "no last will after a clean disconnect"
    );
    e.shutdown().await;
}

async fn a_command_sent_while_offline_is_executed_after_reconnect(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({})).await;
    let (status, _) = e
        .post(
            &format!("/_sim/vehicles/{vin}/offline"),
            json!({"mode": "drop"}),
        )
        .await;
    assert_eq!(status, 200);
    let cmd = enable("HEAT_PUMP", None);
    let outcome = e.send(&vin, &cmd, Duration::from_millis(300)).await;
    assert_eq!(outcome, CommandOutcome::Unanswered, "queued at the broker");
    assert!(e.view(&vin).await["commands"]
        .as_array()
        .unwrap()
        .is_empty());
    let (_, body) = e
        .post(&format!("/_sim/vehicles/{vin}/online"), json!({}))
        .await;
    assert_eq!(body["online"], true);
    eventually("the final reply after reconnect", || {
        e.finals(&vin, cmd.command_id()).len() == 1
    })
    .await;
    assert_eq!(
        e.finals(&vin, cmd.command_id())[0].status,
        ReplyStatus::Succeeded
    );
    let view = e.view(&vin).await;
    let heat = view["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "HEAT_PUMP")
        .unwrap()
        .clone();
    assert_eq!(heat["enabled"], true);
    e.shutdown().await;
}

async fn injected_rejections_and_hardware_faults(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({})).await;
    let faults = e
        .faults(
            &vin,
            json!({"reject_next": [
        {"code": "vehicle_busy", "count": 2, "types": ["app.link"]},
        {"code": "incompatible_state", "count": 1}]}),
        )
        .await;
    assert_eq!(faults["faults"]["reject_next"].as_array().unwrap().len(), 2);
    for _ in 0..2 {
        let r = e.final_reply(&vin, &link_key("k1")).await;
        assert_eq!(
            (r.status, error_code(&r)),
            (ReplyStatus::Rejected, "vehicle_busy")
        );
    }
    let r = e.final_reply(&vin, &link_key("k1")).await;
    assert_eq!(
        (r.status, error_code(&r)),
        (ReplyStatus::Rejected, "incompatible_state")
    );
    assert_eq!(r.error.unwrap().details["required"], "ignition_off");
    assert_eq!(
        e.final_reply(&vin, &link_key("k1")).await.status,
        ReplyStatus::Succeeded
    );
    e.faults(&vin, json!({"fail_next": 1})).await;
    let r = e.final_reply(&vin, &enable("HEAT_PUMP", None)).await;
    assert_eq!(
        (r.status, error_code(&r)),
        (ReplyStatus::Failed, "hardware_fault")
    );
    let view = e.view(&vin).await;
    assert_eq!(
        view["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["enabled"] == true)
            .count(),
        0,
        "rolled back"
    );
    let stats = e.stats().await;
    assert_eq!(stats["per_type"]["app.link"]["rejected"], 3, "{stats}");
    assert_eq!(stats["per_type"]["feature.enable"]["failed"], 1);
    e.shutdown().await;
}

async fn missing_late_and_duplicate_replies(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({})).await;
    // Executed, but no reply at all: unanswered; re-sending the same command
    // gets the remembered reply.
    e.faults(&vin, json!({"drop_replies_next": 1})).await;
    let cmd = enable("HEAT_PUMP", None);
    assert_eq!(
        e.send(&vin, &cmd, Duration::from_millis(400)).await,
        CommandOutcome::Unanswered
    );
    let r = e.final_reply(&vin, &cmd).await;
    assert_eq!(r.status, ReplyStatus::Succeeded);
    // No `accepted` and a slow final.
    e.faults(&vin, json!({"skip_accepted": true, "final_delay_ms": 1200}))
        .await;
    let slow = command("state.query", json!({}));
    assert_eq!(
        e.send(&vin, &slow, Duration::from_millis(300)).await,
        CommandOutcome::Unanswered
    );
    eventually("the late final", || {
        e.finals(&vin, slow.command_id()).len() == 1
    })
    .await;
    assert!(
        e.sink
            .replies(&vin)
            .iter()
            .all(|r| r.command_id != slow.command_id() || r.status.is_final()),
        "no accepted"
    );
    // Every reply twice.
    e.faults(
        &vin,
        json!({"skip_accepted": false, "final_delay_ms": 0, "duplicate_replies": true}),
    )
    .await;
    let dup = enable("PARK_ASSIST", None);
    assert_eq!(
        e.final_reply(&vin, &dup).await.status,
        ReplyStatus::Succeeded
    );
    eventually("two accepted and two finals", || {
        e.sink
            .replies(&vin)
            .iter()
            .filter(|r| r.command_id == dup.command_id())
            .count()
            == 4
    })
    .await;
    assert_eq!(e.finals(&vin, dup.command_id()).len(), 2);
    e.shutdown().await;
}

#[tokio::test]
async fn fleet_http_controls_validate_and_are_idempotent() {
    let b = caas_fleet::testing::test_broker(caas_fleet::testing::BrokerKind::Embedded).unwrap();
    let e = env(&b).await;
    let vin = e
        .vehicle(&b, json!({"enabled": ["HEAT_PUMP"], "ignition": "on"}))
        .await;
    let (status, again) = e
        .post("/_sim/vehicles", json!({"vin": vin, "installed": []}))
        .await;
    assert_eq!(status, 200, "idempotent on VIN");
    assert_eq!(
        again["features"].as_array().unwrap().len(),
        14,
        "unchanged: every catalogue feature"
    );
    assert_eq!(again["ignition"], "on");
    let (status, list) = e.get("/_sim/vehicles").await;
    assert_eq!(status, 200);
    assert_eq!(list["data"][0]["enabled"], json!(["HEAT_PUMP"]));
    let bad = [
        json!({"vin": "VSSZZZ5FZR600012I"}),
        json!({"vin": "SHORT"}),
        json!({"installed": ["HEAT_PUMP"], "enabled": ["TOW_HITCH"]}),
        json!({"ignition": "maybe"}),
        json!({"colour": "red"}),
    ];
    for body in bad {
        let (status, err) = e.post("/_sim/vehicles", body.clone()).await;
        assert_eq!(
            (status, err["error"]["code"].as_str()),
            (400, Some("invalid_request")),
            "{body}"
        );
    }
    let (status, err) = e.get("/_sim/vehicles/VSSZZZ5FZR6000000").await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (404, Some("vehicle_not_found"))
    );
    let (status, _) = e
        .post(
            &format!("/_sim/vehicles/{vin}/faults"),
            json!({"ignition": "sideways"}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = e
        .post(
            &format!("/_sim/vehicles/{vin}/offline"),
            json!({"mode": "nap"}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, view) = e
        .post(&format!("/_sim/vehicles/{vin}/report"), json!({}))
        .await;
    assert_eq!(status, 200);
    eventually("the periodic report", || {
        e.sink.states(&vin).iter().any(|s| s.reason == "periodic")
    })
    .await;
    assert_eq!(view["last_report"]["reason"], "periodic");
    let view = e
        .faults(
            &vin,
            json!({"health": {"status": "warning", "dtc": ["P0A80"]}}),
        )
        .await;
    assert_eq!(view["health"]["dtc"], json!(["P0A80"]));
    eventually("a change report with the health", || {
        e.sink
            .states(&vin)
            .last()
            .is_some_and(|s| s.health.dtc == ["P0A80"])
    })
    .await;
    assert!(e.link.presence(&vin).is_some());
    let added = e
        .sim
        .add_vehicle(caas_sim::fleet::NewVehicle {
            online: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(added["connection"], "offline");
    assert_eq!(e.sim.vins().len(), 2);
    e.shutdown().await;
}
