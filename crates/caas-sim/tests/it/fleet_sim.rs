//! Fleet simulator over a real broker (embedded rumqttd and the local
//! Mosquitto), driven through the platform's real `FleetLink`: the vehicle
//! rules of the IoT contract.

use crate::support::fleet::{command, command_at, enable, env, error_code, eventually, link_key};
use caas_domain::fleet::{CommandOutcome, ReplyStatus};
use caas_fleet::testing::TestBroker;
use chrono::Utc;
use serde_json::json;
use std::time::Duration;

caas_fleet::both_brokers!(
    a_repeated_command_id_is_executed_once_and_answered_with_the_same_reply,
    an_expired_command_is_answered_expired_and_not_executed,
    a_feature_not_in_the_firmware_is_rejected,
    the_sixth_phone_key_is_rejected_until_one_is_unlinked,
    a_feature_with_valid_until_disables_itself_and_reports_expiry,
    state_reports_are_retained_with_strictly_increasing_seq,
    a_display_message_waits_for_the_ignition,
);

async fn a_repeated_command_id_is_executed_once_and_answered_with_the_same_reply(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({})).await;
    let cmd = enable("HEAT_PUMP", None);
    let first = e.final_reply(&vin, &cmd).await;
    assert_eq!(first.status, ReplyStatus::Succeeded);
    let again = e.final_reply(&vin, &cmd).await;
    assert_eq!(again, first, "the same reply, republished");
    let stats = e.stats().await;
    assert_eq!(
        stats["per_type"]["feature.enable"]["executed"], 1,
        "{stats}"
    );
    assert_eq!(stats["per_type"]["feature.enable"]["replayed"], 1);
    assert_eq!(stats["commands_replayed"], 1);
    let view = e.view(&vin).await;
    let seen: Vec<_> = view["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["command_id"] == cmd.command_id())
        .collect();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["repeats"], 1);
    assert_eq!(seen[0]["final_status"], "succeeded");
    e.shutdown().await;
}

async fn an_expired_command_is_answered_expired_and_not_executed(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({})).await;
    let cmd = command_at(
        "feature.enable",
        json!({"feature_code": "HEAT_PUMP", "valid_until": null}),
        Utc::now() - chrono::Duration::minutes(10),
        Utc::now() - chrono::Duration::minutes(5),
    );
    let r = e.final_reply(&vin, &cmd).await;
    assert_eq!((r.status, r.error.clone()), (ReplyStatus::Expired, None));
    // Same for a valid command once the vehicle's clock runs an hour ahead.
    e.faults(&vin, json!({"clock_skew_secs": 3600})).await;
    let r = e.final_reply(&vin, &enable("HEAT_PUMP", None)).await;
    assert_eq!(r.status, ReplyStatus::Expired);
    let view = e.view(&vin).await;
    let heat = view["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "HEAT_PUMP")
        .unwrap();
    assert_eq!(heat["enabled"], false, "nothing done");
    e.shutdown().await;
}

async fn a_feature_not_in_the_firmware_is_rejected(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({"installed": ["HEAT_PUMP"]})).await;
    let r = e.final_reply(&vin, &enable("TOW_HITCH", None)).await;
    assert_eq!(
        (r.status, error_code(&r)),
        (ReplyStatus::Rejected, "feature_not_installed")
    );
    let r = e.final_reply(&vin, &enable("HEAT_PUMP", None)).await;
    assert_eq!(r.status, ReplyStatus::Succeeded);
    let r = e
        .final_reply(
            &vin,
            &command(
                "feature.enable",
                json!({"feature_code": "HEAT_PUMP",
        "valid_until": Utc::now() - chrono::Duration::minutes(1)}),
            ),
        )
        .await;
    assert_eq!(
        (r.status, error_code(&r)),
        (ReplyStatus::Rejected, "invalid_command")
    );
    e.shutdown().await;
}

async fn the_sixth_phone_key_is_rejected_until_one_is_unlinked(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({})).await;
    for i in 0..5 {
        let r = e.final_reply(&vin, &link_key(&format!("key_{i}"))).await;
        assert_eq!(r.status, ReplyStatus::Succeeded);
    }
    let r = e.final_reply(&vin, &link_key("key_5")).await;
    assert_eq!(
        (r.status, error_code(&r)),
        (ReplyStatus::Rejected, "key_limit_reached")
    );
    let r = e.final_reply(&vin, &link_key("key_0")).await;
    assert_eq!(
        r.status,
        ReplyStatus::Succeeded,
        "an existing key id is replaced"
    );
    let r = e
        .final_reply(&vin, &command("app.unlink", json!({"key_id": "key_3"})))
        .await;
    assert_eq!(r.status, ReplyStatus::Succeeded);
    let r = e.final_reply(&vin, &link_key("key_5")).await;
    assert_eq!(r.status, ReplyStatus::Succeeded);
    eventually("a state report with the 5 keys", || {
        e.sink.states(&vin).last().is_some_and(|s| {
            let ids: Vec<_> = s.app_keys.iter().map(|k| k.key_id.as_str()).collect();
            ids == ["key_0", "key_1", "key_2", "key_4", "key_5"]
        })
    })
    .await;
    e.shutdown().await;
}

async fn a_feature_with_valid_until_disables_itself_and_reports_expiry(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({})).await;
    let until = Utc::now() + chrono::Duration::milliseconds(1500);
    let r = e
        .final_reply(&vin, &enable("POWER_PLUS_50", Some(until)))
        .await;
    assert_eq!(r.status, ReplyStatus::Succeeded);
    let enabled = |s: &caas_domain::fleet::StateReport| {
        s.features
            .iter()
            .any(|f| f.code == "POWER_PLUS_50" && f.enabled)
    };
    eventually("a change report with the feature on", || {
        e.sink
            .states(&vin)
            .iter()
            .any(|s| s.reason == "change" && enabled(s))
    })
    .await;
    eventually("an expiry report with the feature off", || {
        e.sink
            .states(&vin)
            .last()
            .is_some_and(|s| s.reason == "expiry" && !enabled(s))
    })
    .await;
    assert!(Utc::now() >= until, "not before valid_until");
    e.shutdown().await;
}

async fn state_reports_are_retained_with_strictly_increasing_seq(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({"ignition": "on"})).await;
    e.final_reply(&vin, &enable("HEAT_PUMP", None)).await;
    e.final_reply(
        &vin,
        &command("feature.disable", json!({"feature_code": "HEAT_PUMP"})),
    )
    .await;
    let (status, _) = e
        .post(
            &format!("/_sim/vehicles/{vin}/ignition"),
            json!({"on": false}),
        )
        .await;
    assert_eq!(status, 200);
    let q = e
        .final_reply(&vin, &command("state.query", json!({})))
        .await;
    let result: caas_domain::fleet::StateReport =
        serde_json::from_value(q.result.clone().unwrap()).unwrap();
    assert_eq!(
        (result.reason.as_str(), result.ignition.as_str()),
        ("query", "off")
    );
    eventually("connect, change×3 and query reports", || {
        e.sink.states(&vin).len() >= 5
    })
    .await;
    let reports = e.sink.states(&vin);
    let reasons: Vec<_> = reports.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(reasons, ["connect", "change", "change", "change", "query"]);
    assert!(
        reports.windows(2).all(|w| w[0].seq < w[1].seq),
        "strictly increasing"
    );
    assert_eq!(reports.last().unwrap().seq, result.seq);
    assert_eq!(e.view(&vin).await["seq"], result.seq);
    // Retained: a platform connecting later gets the latest report at once.
    let late = caas_fleet::testing::RecordingSink::new();
    let id = caas_fleet::testing::platform_id();
    b.forget_later(&[&id], &[]);
    let link =
        caas_fleet::FleetLink::start(caas_fleet::testing::link_config(&b.url, &id), late.clone())
            .unwrap();
    eventually("the retained report", || {
        late.states(&vin)
            .last()
            .is_some_and(|s| s.seq == result.seq)
    })
    .await;
    link.shutdown().await;
    e.shutdown().await;
}

async fn a_display_message_waits_for_the_ignition(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({"ignition": "off"})).await;
    let cmd = command(
        "display.message",
        json!({"title": "Service", "body": "Your car is ready",
        "severity": "info", "language": "en-GB"}),
    );
    let outcome = e.send(&vin, &cmd, Duration::from_millis(400)).await;
    assert_eq!(
        outcome,
        CommandOutcome::Accepted,
        "screen off: accepted only"
    );
    let (status, _) = e
        .post(
            &format!("/_sim/vehicles/{vin}/ignition"),
            json!({"on": true}),
        )
        .await;
    assert_eq!(status, 200);
    eventually("succeeded once displayed", || {
        e.finals(&vin, cmd.command_id()).len() == 1
    })
    .await;
    assert_eq!(
        e.finals(&vin, cmd.command_id())[0].status,
        ReplyStatus::Succeeded
    );
    let view = e.view(&vin).await;
    assert_eq!(view["displayed_messages"][0]["title"], "Service");
    e.shutdown().await;
}
