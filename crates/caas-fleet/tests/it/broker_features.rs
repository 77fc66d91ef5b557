//! What the contract needs from the broker, checked on the embedded rumqttd
//! and on the local Mosquitto with raw MQTT 3.1.1 clients: persistent
//! sessions, retained messages and last wills.

use crate::support;

use crate::support::{
    collect, connect, connect_session, disconnect, options, publish_now, subscribe_acked,
    TestBroker,
};
use rumqttc::{LastWill, QoS};
use std::time::{Duration, Instant};

caas_fleet::both_brokers!(
    persistent_session_keeps_qos1_messages_while_away,
    retained_message_reaches_later_subscriber,
    last_will_fires_when_the_socket_closes,
    last_will_fires_after_keep_alive_when_the_link_goes_silent,
    clean_disconnect_cancels_last_will,
    unacknowledged_qos1_message_is_redelivered_on_reconnect,
);

async fn persistent_session_keeps_qos1_messages_while_away(b: &TestBroker) {
    let vin = support::vin();
    let topic = format!("fleet/v1/{vin}/commands");
    b.forget_later(&[&vin], &[]);
    let (client, mut el) = connect(options(&b.url, &vin, false, 5)).await;
    subscribe_acked(&client, &mut el, &topic).await;
    disconnect(&client, &mut el).await;
    drop(el);

    for i in 0..3 {
        publish_now(&b.url, &topic, format!("m{i}").as_bytes(), false).await;
    }
    let (_client, mut el, session_present) = connect_session(options(&b.url, &vin, false, 5)).await;
    assert!(session_present, "the broker kept the session");
    let got = collect(&mut el, Duration::from_secs(5), |g| g.len() >= 3).await;
    let payloads: Vec<_> = got
        .iter()
        .map(|(_, p, _)| String::from_utf8_lossy(p).into_owned())
        .collect();
    assert_eq!(
        payloads,
        ["m0", "m1", "m2"],
        "queued messages after reconnect"
    );
}

async fn retained_message_reaches_later_subscriber(b: &TestBroker) {
    let vin = support::vin();
    let topic = format!("fleet/v1/{vin}/state");
    b.forget_later(&[], &[&topic]);
    publish_now(&b.url, &topic, br#"{"seq":1}"#, true).await;
    publish_now(&b.url, &topic, br#"{"seq":2}"#, true).await;
    let id = format!("sub-{vin}");
    let (client, mut el) = connect(options(&b.url, &id, true, 5)).await;
    let mut got = subscribe_acked(&client, &mut el, &topic).await;
    if got.is_empty() {
        got = collect(&mut el, Duration::from_secs(5), |g| !g.is_empty()).await;
    }
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, br#"{"seq":2}"#, "latest retained value");
    assert!(got[0].2, "delivered with the retain flag");
}

/// Subscribes a watcher to `topic`; returns a closure-friendly event loop.
async fn watcher(b: &TestBroker, topic: &str) -> (rumqttc::AsyncClient, rumqttc::EventLoop) {
    let id = format!("watch-{}", uuid::Uuid::new_v4().simple());
    let (client, mut el) = connect(options(&b.url, &id, true, 5)).await;
    subscribe_acked(&client, &mut el, topic).await;
    (client, el)
}

fn will_options(b: &TestBroker, vin: &str, keep_alive: u64) -> rumqttc::MqttOptions {
    let mut o = options(&b.url, vin, false, keep_alive);
    o.set_last_will(LastWill::new(
        format!("fleet/v1/{vin}/presence"),
        br#"{"status":"offline","reason":"connection_lost","at":null}"#.to_vec(),
        QoS::AtLeastOnce,
        true,
    ));
    o
}

async fn last_will_fires_when_the_socket_closes(b: &TestBroker) {
    let vin = support::vin();
    let topic = format!("fleet/v1/{vin}/presence");
    b.forget_later(&[&vin], &[&topic]);
    let (_w, mut watch) = watcher(b, &topic).await;
    let (_client, el) = connect(will_options(b, &vin, 5)).await;
    drop(el); // socket closed without DISCONNECT
    let got = collect(&mut watch, Duration::from_secs(5), |g| !g.is_empty()).await;
    assert_eq!(got.len(), 1, "will published");
    assert!(String::from_utf8_lossy(&got[0].1).contains("connection_lost"));
    // Retained: a later subscriber sees it too.
    let id = format!("later-{vin}");
    let (w2, mut later) = connect(options(&b.url, &id, true, 5)).await;
    let mut got = subscribe_acked(&w2, &mut later, &topic).await;
    if got.is_empty() {
        got = collect(&mut later, Duration::from_secs(3), |g| !g.is_empty()).await;
    }
    assert!(
        got.iter()
            .any(|(_, p, r)| *r && String::from_utf8_lossy(p).contains("connection_lost")),
        "the will is retained: {got:?}"
    );
}

async fn last_will_fires_after_keep_alive_when_the_link_goes_silent(b: &TestBroker) {
    let vin = support::vin();
    let topic = format!("fleet/v1/{vin}/presence");
    b.forget_later(&[&vin], &[&topic]);
    let (_w, mut watch) = watcher(b, &topic).await;
    let (_client, el) = connect(will_options(b, &vin, 1)).await;
    let started = Instant::now();
    // Keep the socket open but stop talking (no PINGREQ): a dead link.
    // Mosquitto 2.0 checks keep-alives only every few seconds: allow 1.5 s + ~5 s.
    let got = collect(&mut watch, Duration::from_secs(9), |g| !g.is_empty()).await;
    let after = started.elapsed();
    drop(el);
    assert_eq!(got.len(), 1, "will published after the keep-alive ran out");
    assert!(
        after >= Duration::from_millis(900),
        "not before the keep-alive: {after:?}"
    );
}

async fn clean_disconnect_cancels_last_will(b: &TestBroker) {
    let vin = support::vin();
    let topic = format!("fleet/v1/{vin}/presence");
    b.forget_later(&[&vin], &[&topic]);
    let (_w, mut watch) = watcher(b, &topic).await;
    let (client, mut el) = connect(will_options(b, &vin, 5)).await;
    disconnect(&client, &mut el).await;
    drop(el);
    let got = collect(&mut watch, Duration::from_millis(800), |g| !g.is_empty()).await;
    assert!(got.is_empty(), "no will after a clean disconnect: {got:?}");
}

async fn unacknowledged_qos1_message_is_redelivered_on_reconnect(b: &TestBroker) {
    let vin = support::vin();
    let topic = format!("fleet/v1/{vin}/replies");
    let id = format!("manual-{vin}");
    b.forget_later(&[&id], &[]);
    let mut o = options(&b.url, &id, false, 5);
    o.set_manual_acks(true);
    let (client, mut el) = connect(o.clone()).await;
    subscribe_acked(&client, &mut el, &topic).await;
    publish_now(&b.url, &topic, b"first", false).await;
    let got = collect(&mut el, Duration::from_secs(5), |g| !g.is_empty()).await;
    assert_eq!(got.len(), 1);
    // Never acknowledged; leave cleanly so the session is kept.
    disconnect(&client, &mut el).await;
    drop(el);

    let (_client, mut el) = connect(o).await;
    let got = collect(&mut el, Duration::from_secs(5), |g| !g.is_empty()).await;
    assert_eq!(got.len(), 1, "redelivered after reconnect");
    assert_eq!(got[0].1, b"first");
}
