//! Unit tests of the vehicle rules (no MQTT): intake and execution.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::commands::{execute, intake, Executed, Intake};
use super::effects::expire_messages;
use super::model::{RejectRule, VehicleState};
use caas_domain::fleet::ReplyStatus;
use chrono::{Duration, Utc};
use serde_json::{json, Value};

fn vehicle() -> VehicleState {
    let installed = ["POWER_PLUS_50", "HEAT_PUMP"].map(String::from);
    VehicleState::new("VSSZZZ5FZR6000123".into(), &installed, &[], true)
}

fn cmd(id: &str, kind: &str, params: Value) -> Vec<u8> {
    let now = Utc::now();
    serde_json::to_vec(&json!({"command_id": id, "type": kind, "issued_at": now,
        "expires_at": now + Duration::minutes(10), "params": params}))
    .unwrap()
}

/// Intake then execute; the final reply.
fn run(st: &mut VehicleState, payload: &[u8]) -> caas_domain::fleet::FleetReply {
    let got = intake(st, payload);
    match got.intake {
        Intake::Final(out) => out.reply,
        Intake::Accepted { accepted, now } => {
            assert!(now, "executes now");
            assert_eq!(accepted.unwrap().reply.status, ReplyStatus::Accepted);
            let Executed { reply, .. } = execute(st, &got.id).unwrap();
            reply.reply
        }
        other => panic!("unexpected {other:?}"),
    }
}

fn code(r: &caas_domain::fleet::FleetReply) -> &str {
    r.error.as_ref().map(|e| e.code.as_str()).unwrap_or("")
}

#[test]
fn repeat_replays_latest_reply_without_executing_again() {
    let mut st = vehicle();
    let p = cmd(
        "cmd_1",
        "feature.enable",
        json!({"feature_code": "HEAT_PUMP", "valid_until": null}),
    );
    let first = run(&mut st, &p);
    assert_eq!(first.status, ReplyStatus::Succeeded);
    st.features[1].enabled = false; // would be re-enabled by a second execution
    let other_content = cmd(
        "cmd_1",
        "feature.disable",
        json!({"feature_code": "HEAT_PUMP"}),
    );
    let again = intake(&mut st, &other_content);
    assert_eq!(again.intake, Intake::Replay(Some(first)));
    assert_eq!(again.kind, "feature.enable");
    assert!(!st.features[1].enabled, "not executed again");
    assert_eq!(st.seen["cmd_1"].repeats, 1);
}

#[test]
fn garbage_is_discarded_and_expired_is_answered() {
    let mut st = vehicle();
    assert_eq!(intake(&mut st, b"nope").intake, Intake::Discard);
    assert_eq!(
        intake(&mut st, br#"{"type":"state.query"}"#).intake,
        Intake::Discard
    );
    let old = Utc::now() - Duration::hours(2);
    let p = serde_json::to_vec(
        &json!({"command_id": "cmd_old", "type": "feature.enable", "issued_at": old,
        "expires_at": old + Duration::minutes(5), "params": {"feature_code": "HEAT_PUMP"}}),
    )
    .unwrap();
    assert_eq!(run(&mut st, &p).status, ReplyStatus::Expired);
    assert!(!st.features[1].enabled);
    // The vehicle's clock decides: skewed 1 h behind, the same command is not expired.
    st.faults.clock_skew_secs = -3 * 3600;
    let p = serde_json::to_vec(
        &json!({"command_id": "cmd_old2", "type": "state.query", "issued_at": old,
        "expires_at": old + Duration::minutes(5), "params": {}}),
    )
    .unwrap();
    assert_eq!(run(&mut st, &p).status, ReplyStatus::Succeeded);
}

#[test]
fn feature_validation() {
    let mut st = vehicle();
    let r = run(
        &mut st,
        &cmd("c1", "feature.enable", json!({"feature_code": "TOW_HITCH"})),
    );
    assert_eq!(
        (r.status, code(&r)),
        (ReplyStatus::Rejected, "feature_not_installed")
    );
    let r = run(
        &mut st,
        &cmd("c2", "feature.enable", json!({"feature_code": "bad-code"})),
    );
    assert_eq!(code(&r), "invalid_command");
    let past = Utc::now() - Duration::minutes(1);
    let r = run(
        &mut st,
        &cmd(
            "c3",
            "feature.enable",
            json!({"feature_code": "HEAT_PUMP", "valid_until": past}),
        ),
    );
    assert_eq!(code(&r), "invalid_command");
    let r = run(&mut st, &cmd("c4", "teleport", json!({})));
    assert_eq!(code(&r), "invalid_command");
    let r = run(
        &mut st,
        &cmd(
            "c5",
            "feature.disable",
            json!({"feature_code": "HEAT_PUMP"}),
        ),
    );
    assert_eq!(
        r.status,
        ReplyStatus::Succeeded,
        "disabling a disabled feature succeeds"
    );
}

#[test]
fn enable_replaces_valid_until_and_the_feature_self_expires() {
    let mut st = vehicle();
    let until = Utc::now() + Duration::minutes(30);
    let p = cmd(
        "c1",
        "feature.enable",
        json!({"feature_code": "POWER_PLUS_50", "valid_until": until, "config": {"power_mode": "HIGH"}}),
    );
    let got = intake(&mut st, &p);
    let done = execute(&mut st, &got.id).unwrap();
    assert!(done.changed);
    assert_eq!(
        st.features[0].valid_until.map(|t| t.timestamp()),
        Some(until.timestamp())
    );
    let p = cmd(
        "c2",
        "feature.enable",
        json!({"feature_code": "POWER_PLUS_50", "valid_until": null}),
    );
    assert_eq!(run(&mut st, &p).status, ReplyStatus::Succeeded);
    assert_eq!(st.features[0].valid_until, None, "replaced");
    assert_eq!(st.features[0].config, None);
    let p = cmd(
        "c3",
        "feature.enable",
        json!({"feature_code": "POWER_PLUS_50", "valid_until": until}),
    );
    run(&mut st, &p);
    assert!(!st.expire_features());
    st.faults.clock_skew_secs = 3600;
    assert!(st.expire_features(), "vehicle clock past valid_until");
    assert!(!st.features[0].enabled);
}

#[test]
fn key_limit_and_replacement() {
    let mut st = vehicle();
    let key = |id: &str| json!({"key_id": id, "public_key": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", "label": "phone"});
    for i in 0..5 {
        assert_eq!(
            run(
                &mut st,
                &cmd(&format!("l{i}"), "app.link", key(&format!("k{i}")))
            )
            .status,
            ReplyStatus::Succeeded
        );
    }
    let r = run(&mut st, &cmd("l5", "app.link", key("k5")));
    assert_eq!(
        (r.status, code(&r)),
        (ReplyStatus::Rejected, "key_limit_reached")
    );
    assert_eq!(
        run(&mut st, &cmd("l6", "app.link", key("k0"))).status,
        ReplyStatus::Succeeded,
        "same key id replaced"
    );
    let r = run(
        &mut st,
        &cmd(
            "l7",
            "app.link",
            json!({"key_id": "kx", "public_key": "not base64!"}),
        ),
    );
    assert_eq!(code(&r), "invalid_command");
    assert_eq!(
        run(&mut st, &cmd("u1", "app.unlink", json!({"key_id": "nope"}))).status,
        ReplyStatus::Succeeded
    );
    assert_eq!(
        run(&mut st, &cmd("u2", "app.unlink", json!({"key_id": "k1"}))).status,
        ReplyStatus::Succeeded
    );
    assert_eq!(st.app_keys.len(), 4);
    assert_eq!(
        run(&mut st, &cmd("l8", "app.link", key("k9"))).status,
        ReplyStatus::Succeeded
    );
}

#[test]
fn display_waits_for_ignition_and_can_expire() {
    let mut st = vehicle();
    st.ignition_on = false;
    let msg = |until: chrono::DateTime<Utc>| json!({"title": "Hola", "body": "Tu coche", "severity": "info", "language": "es-ES", "display_until": until});
    let got = intake(
        &mut st,
        &cmd(
            "d1",
            "display.message",
            msg(Utc::now() + Duration::hours(1)),
        ),
    );
    assert!(matches!(got.intake, Intake::Accepted { now: false, .. }));
    assert!(
        execute(&mut st, "d1").is_none(),
        "screen off: still waiting"
    );
    st.ignition_on = true;
    assert_eq!(
        execute(&mut st, "d1").unwrap().reply.reply.status,
        ReplyStatus::Succeeded
    );
    assert_eq!(st.messages[0].status, "displayed");
    st.ignition_on = false;
    let _ = intake(
        &mut st,
        &cmd(
            "d2",
            "display.message",
            msg(Utc::now() + Duration::seconds(30)),
        ),
    );
    assert!(expire_messages(&mut st).is_empty());
    st.faults.clock_skew_secs = 60;
    let expired = expire_messages(&mut st);
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].reply.status, ReplyStatus::Expired);
    let long = json!({"title": "x".repeat(41), "body": "b", "severity": "info", "language": "es"});
    assert_eq!(
        code(&run(&mut st, &cmd("d3", "display.message", long))),
        "invalid_command"
    );
}

#[test]
fn injected_faults() {
    let mut st = vehicle();
    st.faults.reject_next = vec![RejectRule {
        code: "vehicle_busy".into(),
        count: 1,
        types: Some(vec!["app.link".into()]),
    }];
    assert_eq!(
        run(&mut st, &cmd("q1", "state.query", json!({}))).status,
        ReplyStatus::Succeeded,
        "type filter"
    );
    let key = json!({"key_id": "k", "public_key": "AAAA"});
    let r = run(&mut st, &cmd("a1", "app.link", key.clone()));
    assert_eq!(
        (r.status, code(&r)),
        (ReplyStatus::Rejected, "vehicle_busy")
    );
    assert!(st.faults.reject_next.is_empty(), "consumed");
    st.faults.fail_next = 1;
    let r = run(&mut st, &cmd("a2", "app.link", key.clone()));
    assert_eq!(
        (r.status, code(&r)),
        (ReplyStatus::Failed, "hardware_fault")
    );
    assert!(st.app_keys.is_empty(), "rolled back");
    st.faults.drop_replies_next = 1;
    st.faults.skip_accepted = true;
    let got = intake(&mut st, &cmd("a3", "app.link", key));
    assert_eq!(
        got.intake,
        Intake::Accepted {
            accepted: None,
            now: true
        }
    );
    let done = execute(&mut st, "a3").unwrap();
    assert!(!done.reply.publish, "reply dropped");
    assert_eq!(
        intake(&mut st, &cmd("a3", "app.link", json!({}))).intake,
        Intake::Replay(Some(done.reply.reply))
    );
}

#[test]
fn state_query_reports_full_state_with_increasing_seq() {
    let mut st = vehicle();
    let seq0 = st.seq;
    let got = intake(&mut st, &cmd("s1", "state.query", json!({})));
    let done = execute(&mut st, &got.id).unwrap();
    let report = done.query_report.unwrap();
    assert_eq!(report.reason, "query");
    assert_eq!(report.seq, seq0 + 1);
    assert_eq!(report.features.len(), 2);
    assert_eq!(
        done.reply.reply.result,
        Some(serde_json::to_value(&report).unwrap())
    );
    assert!(st.next_report("change").seq > report.seq);
}
