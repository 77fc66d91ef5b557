//! The platform link (`FleetLink`) against real brokers: command outcomes,
//! persistent session across a platform restart, manual acknowledgement,
//! state `seq` filtering, presence (retained and last will), bad payloads.

use crate::support;

use crate::support::{publish_now, reply_to, wait_until, RecordingSink, TestBroker, TestVehicle};
use caas_domain::fleet::{CommandOutcome, FleetApi, FleetError, ReplyStatus};
use caas_fleet::{FleetHandle, FleetLink, FleetLinkConfig, FleetStartError};
use chrono::Utc;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

caas_fleet::both_brokers!(
    command_round_trip_with_a_hand_written_vehicle,
    only_accepted_gives_accepted_outcome,
    no_reply_gives_unanswered_outcome,
    replies_queued_while_the_link_was_down_arrive_after_reconnect,
    sink_failure_leaves_the_message_unacked_and_it_is_redelivered,
    state_reports_not_newer_than_an_accepted_one_are_skipped,
    retained_presence_is_seen_on_connect,
    last_will_presence_is_passed_with_the_receipt_time,
    unusable_payloads_are_discarded_and_the_link_goes_on,
);

const WAIT: Duration = Duration::from_secs(5);

async fn start_link(b: &TestBroker, client_id: &str, sink: Arc<RecordingSink>) -> FleetHandle {
    b.forget_later(&[client_id], &[]);
    let mut cfg = support::link_config(&b.url, client_id);
    cfg.keep_alive = Duration::from_secs(5);
    let link = FleetLink::start(cfg, sink).unwrap();
    assert!(link.wait_connected(WAIT).await, "link connected");
    link
}

fn query() -> caas_domain::fleet::FleetCommand {
    caas_domain::fleet::FleetCommand::state_query(caas_domain::fleet::CommandStamp::fresh(
        Utc::now(),
        chrono::Duration::minutes(10),
    ))
}

async fn command_round_trip_with_a_hand_written_vehicle(b: &TestBroker) {
    let vin = support::vin();
    let sink = RecordingSink::new();
    let link = start_link(b, &support::platform_id(), Arc::clone(&sink)).await;
    let vehicle = TestVehicle::start(
        &b.url,
        &vin,
        Arc::new(|cmd| {
            vec![
                reply_to(cmd, ReplyStatus::Accepted, None),
                reply_to(
                    cmd,
                    ReplyStatus::Succeeded,
                    Some(json!({"vin": "x", "seq": 1})),
                ),
            ]
        }),
    )
    .await;
    let cmd = query();
    let started = Instant::now();
    let outcome = link.send_command(&vin, &cmd, WAIT).await.unwrap();
    let CommandOutcome::Final(reply) = outcome else {
        panic!("expected final, got {outcome:?}")
    };
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "returned as soon as the final arrived"
    );
    assert_eq!(reply.status, ReplyStatus::Succeeded);
    assert_eq!(reply.command_id, cmd.command_id());
    assert_eq!(reply.result, Some(json!({"vin": "x", "seq": 1})));
    assert_eq!(
        vehicle.received.lock().unwrap().as_slice(),
        std::slice::from_ref(&cmd),
        "the vehicle got the command as sent"
    );
    assert!(
        wait_until(WAIT, || sink.replies(&vin).len() == 2).await,
        "sink saw both replies"
    );
    let statuses: Vec<_> = sink.replies(&vin).iter().map(|r| r.status).collect();
    assert_eq!(statuses, [ReplyStatus::Accepted, ReplyStatus::Succeeded]);
    assert_eq!(link.waiting_commands(), 0, "waiter unregistered");
    // Unknown or invalid VIN levels never reach the broker.
    let err = link.send_command("A/B", &cmd, WAIT).await.unwrap_err();
    assert!(matches!(err, FleetError::Publish(_)), "{err:?}");
    link.shutdown().await;
    assert!(!link.is_connected());
    assert_eq!(
        link.send_command(&vin, &cmd, WAIT).await,
        Err(FleetError::NotConnected)
    );
}

async fn only_accepted_gives_accepted_outcome(b: &TestBroker) {
    let vin = support::vin();
    let link = start_link(b, &support::platform_id(), RecordingSink::new()).await;
    let _vehicle = TestVehicle::start(
        &b.url,
        &vin,
        Arc::new(|cmd| vec![reply_to(cmd, ReplyStatus::Accepted, None)]),
    )
    .await;
    let started = Instant::now();
    let outcome = link
        .send_command(&vin, &query(), Duration::from_millis(600))
        .await
        .unwrap();
    assert_eq!(outcome, CommandOutcome::Accepted);
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "waited the whole time for a final"
    );
    link.shutdown().await;
}

async fn no_reply_gives_unanswered_outcome(b: &TestBroker) {
    let vin = support::vin();
    let link = start_link(b, &support::platform_id(), RecordingSink::new()).await;
    let outcome = link
        .send_command(&vin, &query(), Duration::from_millis(300))
        .await
        .unwrap();
    assert_eq!(outcome, CommandOutcome::Unanswered);
    assert_eq!(link.stats().commands_published, 1);
    link.shutdown().await;
}

async fn replies_queued_while_the_link_was_down_arrive_after_reconnect(b: &TestBroker) {
    let vin = support::vin();
    let id = support::platform_id();
    let first = start_link(b, &id, RecordingSink::new()).await;
    first.shutdown().await;

    let cmd = query();
    let replies = format!("fleet/v1/{vin}/replies");
    for status in [ReplyStatus::Accepted, ReplyStatus::Succeeded] {
        let body = serde_json::to_vec(&reply_to(&cmd, status, None)).unwrap();
        publish_now(&b.url, &replies, &body, false).await;
    }

    let sink = RecordingSink::new();
    let second = start_link(b, &id, Arc::clone(&sink)).await;
    assert!(
        wait_until(WAIT, || sink.replies(&vin).len() == 2).await,
        "queued replies delivered: {:?}",
        sink.for_vin(&vin)
    );
    assert!(sink
        .replies(&vin)
        .iter()
        .all(|r| r.command_id == cmd.command_id()));
    assert!(wait_until(WAIT, || second.stats().acked >= 2).await);
    second.shutdown().await;

    // They were acknowledged: a third start with the same id gets nothing again.
    let sink = RecordingSink::new();
    let third = start_link(b, &id, Arc::clone(&sink)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        sink.replies(&vin).is_empty(),
        "acked replies not redelivered"
    );
    third.shutdown().await;
}

async fn sink_failure_leaves_the_message_unacked_and_it_is_redelivered(b: &TestBroker) {
    let vin = support::vin();
    let sink = RecordingSink::new();
    sink.fail_next_for.lock().unwrap().push(vin.clone());
    let link = start_link(b, &support::platform_id(), Arc::clone(&sink)).await;
    let cmd = query();
    let body = serde_json::to_vec(&reply_to(&cmd, ReplyStatus::Succeeded, None)).unwrap();
    publish_now(&b.url, &format!("fleet/v1/{vin}/replies"), &body, false).await;
    assert!(wait_until(WAIT, || *sink.failures.lock().unwrap() == 1).await);
    let failed_at = Instant::now();
    assert!(
        wait_until(Duration::from_secs(10), || sink.replies(&vin).len() == 1).await,
        "redelivered after the link reconnected"
    );
    assert!(failed_at.elapsed() >= caas_fleet::RESYNC_AFTER - Duration::from_millis(200));
    let stats = link.stats();
    assert_eq!(stats.sink_errors, 1);
    assert!(stats.connects >= 2, "{stats:?}");
    link.shutdown().await;
}

async fn state_reports_not_newer_than_an_accepted_one_are_skipped(b: &TestBroker) {
    let vin = support::vin();
    let sink = RecordingSink::new();
    let link = start_link(b, &support::platform_id(), Arc::clone(&sink)).await;
    let topic = format!("fleet/v1/{vin}/state");
    let report = |seq: i64| {
        serde_json::to_vec(
            &json!({"vin": "SOMEOTHERVIN", "seq": seq, "reported_at": Utc::now(),
            "reason": "change", "ignition": "off", "features": [], "app_keys": []}),
        )
        .unwrap()
    };
    publish_now(&b.url, &topic, &report(5), false).await;
    assert!(wait_until(WAIT, || sink.states(&vin).len() == 1).await);
    publish_now(&b.url, &topic, &report(3), false).await;
    publish_now(&b.url, &topic, &report(5), false).await;
    publish_now(&b.url, &topic, &report(6), false).await;
    assert!(wait_until(WAIT, || sink.states(&vin).len() == 2).await);
    let seqs: Vec<_> = sink.states(&vin).iter().map(|s| s.seq).collect();
    assert_eq!(seqs, [5, 6], "stale reports never reached the sink");
    assert!(
        sink.states(&vin).iter().all(|s| s.vin == vin),
        "the topic VIN is authoritative"
    );
    assert!(link.stats().stale_state_skipped >= 2);
    link.shutdown().await;
}

async fn retained_presence_is_seen_on_connect(b: &TestBroker) {
    let vin = support::vin();
    let topic = format!("fleet/v1/{vin}/presence");
    b.forget_later(&[], &[&topic]);
    let body =
        json!({"status": "online", "at": "2026-06-01T10:00:00Z", "firmware_version": "4.2.1"});
    publish_now(&b.url, &topic, &serde_json::to_vec(&body).unwrap(), true).await;
    let sink = RecordingSink::new();
    let link = start_link(b, &support::platform_id(), Arc::clone(&sink)).await;
    assert!(
        wait_until(WAIT, || !sink.presences(&vin).is_empty()).await,
        "retained presence delivered"
    );
    let (p, _) = &sink.presences(&vin)[0];
    assert_eq!(p.status, "online");
    assert_eq!(p.firmware_version.as_deref(), Some("4.2.1"));
    assert_eq!(link.presence(&vin), Some(p.clone()));
    assert_eq!(link.presence("NOSUCHVIN"), None);
    link.shutdown().await;
}

async fn last_will_presence_is_passed_with_the_receipt_time(b: &TestBroker) {
    let vin = support::vin();
    let topic = format!("fleet/v1/{vin}/presence");
    b.forget_later(&[&vin], &[&topic]);
    let sink = RecordingSink::new();
    let link = start_link(b, &support::platform_id(), Arc::clone(&sink)).await;
    let mut o = support::options(&b.url, &vin, false, 5);
    o.set_last_will(rumqttc::LastWill::new(
        topic,
        br#"{"status":"offline","reason":"connection_lost","at":null}"#.to_vec(),
        rumqttc::QoS::AtLeastOnce,
        true,
    ));
    let (_client, el) = support::connect(o).await;
    let before = Utc::now();
    drop(el);
    assert!(
        wait_until(WAIT, || !sink.presences(&vin).is_empty()).await,
        "will delivered"
    );
    let (p, received_at) = sink.presences(&vin)[0].clone();
    assert_eq!(
        (p.status.as_str(), p.reason.as_deref(), p.at),
        ("offline", Some("connection_lost"), None)
    );
    assert!(received_at >= before - chrono::Duration::seconds(1) && received_at <= Utc::now());
    assert_eq!(
        link.presence(&vin).map(|p| p.status),
        Some("offline".to_owned())
    );
    link.shutdown().await;
}

async fn unusable_payloads_are_discarded_and_the_link_goes_on(b: &TestBroker) {
    let vin = support::vin();
    let sink = RecordingSink::new();
    let link = start_link(b, &support::platform_id(), Arc::clone(&sink)).await;
    let replies = format!("fleet/v1/{vin}/replies");
    publish_now(&b.url, &replies, b"not json", false).await;
    let big = format!(r#"{{"pad":"{}"}}"#, "x".repeat(20 * 1024));
    publish_now(
        &b.url,
        &format!("fleet/v1/{vin}/state"),
        big.as_bytes(),
        false,
    )
    .await;
    publish_now(&b.url, &replies, br#"{"command_id": "cmd_x"}"#, false).await;
    let good = serde_json::to_vec(&reply_to(&query(), ReplyStatus::Expired, None)).unwrap();
    publish_now(&b.url, &replies, &good, false).await;
    assert!(wait_until(WAIT, || sink.replies(&vin).len() == 1).await);
    assert_eq!(
        sink.for_vin(&vin).len(),
        1,
        "only the valid reply reached the sink"
    );
    assert!(link.stats().discarded >= 3, "{:?}", link.stats());
    assert!(link.is_connected());
    link.shutdown().await;
}

#[tokio::test]
async fn not_connected_when_the_broker_is_unreachable() {
    let cfg = FleetLinkConfig::new("mqtt://127.0.0.1:9", support::platform_id());
    let link = FleetLink::start(cfg, RecordingSink::new()).unwrap();
    assert!(!link.wait_connected(Duration::from_millis(300)).await);
    let err = link.send_command("VSSZZZ5FZR6000123", &query(), WAIT).await;
    assert_eq!(err, Err(FleetError::NotConnected));
    let started = Instant::now();
    link.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn start_validates_its_configuration() {
    let sink = RecordingSink::new();
    let bad = |url: &str, id: &str, ka: u64| {
        let mut c = FleetLinkConfig::new(url, id);
        c.keep_alive = Duration::from_secs(ka);
        FleetLink::start(c, sink.clone()).unwrap_err()
    };
    assert!(matches!(
        bad("http://x", "caas-platform-1", 30),
        FleetStartError::InvalidUrl { .. }
    ));
    assert!(matches!(
        bad("mqtt://x", "", 30),
        FleetStartError::InvalidConfig(_)
    ));
    assert!(matches!(
        bad("mqtt://x", "caas-platform-1", 0),
        FleetStartError::InvalidConfig(_)
    ));
}

#[test]
fn start_needs_a_tokio_runtime() {
    let cfg = FleetLinkConfig::new("mqtt://127.0.0.1:1883", "caas-platform-1");
    let err = FleetLink::start(cfg, RecordingSink::new()).unwrap_err();
    assert_eq!(err, FleetStartError::NoRuntime);
}
