//! The production configuration written by `caas fleet broker-config`
//! (`caas_fleet::mosquitto`) on a real Mosquitto started by this test on a
//! free port: a car can neither read nor write another car's topics, and
//! unknown users or wrong secrets are refused.
//!
//! Skipped (with a notice) when `/usr/sbin/mosquitto` is missing, unless
//! `CAAS_REQUIRE_MQTT` is set.
//!
//! Nothing here waits for "a while": to show that car A did *not* get a
//! message, the test publishes one that A may get after it, on the same
//! connection, and checks that A's first message is that one (Mosquitto
//! delivers one publisher's messages in order).

use crate::support;

use crate::support::{collect, connect, subscribe_acked, try_connect};
use caas_fleet::auth::BrokerAuth;
use caas_fleet::Secret;
use rumqttc::{AsyncClient, EventLoop, MqttOptions, QoS};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const MOSQUITTO_BIN: &str = "/usr/sbin/mosquitto";

/// A Mosquitto child process with the generated configuration.
struct Mosquitto {
    child: Child,
    port: u16,
    auth: BrokerAuth,
    _dir: tempfile::TempDir,
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn required() -> bool {
    std::env::var("CAAS_REQUIRE_MQTT").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Starts Mosquitto with `broker-config` output for the VINs; `None` when
/// it is not installed (and not required).
fn mosquitto(vins: &[String]) -> Option<Mosquitto> {
    if !std::path::Path::new(MOSQUITTO_BIN).exists() {
        assert!(
            !required(),
            "CAAS_REQUIRE_MQTT is set but {MOSQUITTO_BIN} is missing"
        );
        eprintln!("NOTICE: {MOSQUITTO_BIN} not installed: Mosquitto ACL test skipped");
        return None;
    }
    let auth = BrokerAuth::new(
        "caas-platform",
        Secret::new("platform-password"),
        Secret::new("fleet-vehicle-key"),
    );
    let dir = tempfile::tempdir().unwrap();
    caas_fleet::mosquitto::write_broker_config(dir.path(), &auth, vins).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let conf = dir.path().join("test.conf");
    let generated = std::fs::read_to_string(dir.path().join("mosquitto.conf")).unwrap();
    let test_conf = format!(
        "{generated}listener {port} 127.0.0.1\npersistence_location {}/\nuser root\n",
        dir.path().display()
    );
    std::fs::write(&conf, test_conf).unwrap();
    let mut child = Command::new(MOSQUITTO_BIN)
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    while std::net::TcpStream::connect(addr).is_err() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("mosquitto exited with {status}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(Mosquitto {
        child,
        port,
        auth,
        _dir: dir,
    })
}

impl Mosquitto {
    fn options(&self, client_id: &str, user: &str, password: &str) -> MqttOptions {
        let mut o = MqttOptions::new(client_id, "127.0.0.1", self.port);
        o.set_keep_alive(Duration::from_secs(5))
            .set_credentials(user, password);
        o
    }

    async fn car(&self, vin: &str) -> (AsyncClient, EventLoop) {
        let secret = self.auth.vehicle_password(vin);
        connect(self.options(vin, vin, secret.expose())).await
    }

    async fn platform(&self) -> (AsyncClient, EventLoop) {
        let id = format!("caas-platform-{}", uuid::Uuid::new_v4().simple());
        connect(self.options(&id, "caas-platform", "platform-password")).await
    }
}

/// Publishes at QoS 1 and waits for the PubAck (Mosquitto acknowledges a
/// publish the ACL denied, and drops it).
async fn publish(client: &AsyncClient, el: &mut EventLoop, topic: &str, body: &str, retain: bool) {
    client
        .publish(topic, QoS::AtLeastOnce, retain, body.as_bytes().to_vec())
        .await
        .unwrap();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), el.poll()).await {
            Ok(Ok(rumqttc::Event::Incoming(rumqttc::Packet::PubAck(_)))) => return,
            Ok(Ok(_)) => {}
            other => panic!("publish to {topic} failed: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_car_cannot_read_another_cars_topics() {
    let (a, b) = (support::vin(), support::vin());
    let Some(m) = mosquitto(&[a.clone(), b.clone()]) else {
        return;
    };
    let (car_b, mut el_b) = m.car(&b).await;
    publish(
        &car_b,
        &mut el_b,
        &format!("fleet/v1/{b}/state"),
        "B state",
        true,
    )
    .await;
    publish(
        &car_b,
        &mut el_b,
        &format!("fleet/v1/{b}/presence"),
        "B here",
        true,
    )
    .await;

    let (car_a, mut el_a) = m.car(&a).await;
    // What the intruder did: subscribe to everything.
    let retained = subscribe_acked(&car_a, &mut el_a, "fleet/v1/#").await;
    let direct = subscribe_acked(&car_a, &mut el_a, &format!("fleet/v1/{b}/commands")).await;
    subscribe_acked(&car_a, &mut el_a, &format!("fleet/v1/{a}/commands")).await;

    let (platform, mut el_p) = m.platform().await;
    publish(
        &platform,
        &mut el_p,
        &format!("fleet/v1/{b}/commands"),
        "for B",
        false,
    )
    .await;
    publish(
        &platform,
        &mut el_p,
        &format!("fleet/v1/{a}/commands"),
        "for A",
        false,
    )
    .await;
    let got = collect(&mut el_a, Duration::from_secs(5), |g| !g.is_empty()).await;
    assert!(
        retained.is_empty() && direct.is_empty(),
        "retained: {retained:?} {direct:?}"
    );
    assert_eq!(got.len(), 1, "car A got nothing: {got:?}");
    assert_eq!(
        got[0].0,
        format!("fleet/v1/{a}/commands"),
        "car A's first message"
    );
    assert_eq!(got[0].1, b"for A");
}

#[tokio::test]
async fn a_car_cannot_write_into_another_cars_topics() {
    let (a, b) = (support::vin(), support::vin());
    let Some(m) = mosquitto(&[a.clone(), b.clone()]) else {
        return;
    };
    let (platform, mut el_p) = m.platform().await;
    for leaf in ["replies", "state", "presence"] {
        subscribe_acked(&platform, &mut el_p, &format!("fleet/v1/+/{leaf}")).await;
    }
    let (b_listens, mut el_b) = m.car(&b).await;
    subscribe_acked(&b_listens, &mut el_b, &format!("fleet/v1/{b}/commands")).await;

    let (car_a, mut el_a) = m.car(&a).await;
    for leaf in ["replies", "state", "presence", "commands"] {
        publish(
            &car_a,
            &mut el_a,
            &format!("fleet/v1/{b}/{leaf}"),
            "fake",
            false,
        )
        .await;
    }
    // A fake command to itself is refused too (a car only reads commands).
    publish(
        &car_a,
        &mut el_a,
        &format!("fleet/v1/{a}/commands"),
        "fake",
        false,
    )
    .await;
    publish(
        &car_a,
        &mut el_a,
        &format!("fleet/v1/{a}/presence"),
        "A here",
        false,
    )
    .await;

    let got = collect(&mut el_p, Duration::from_secs(5), |g| !g.is_empty()).await;
    assert_eq!(got.len(), 1, "the platform got nothing: {got:?}");
    assert_eq!(
        got[0].0,
        format!("fleet/v1/{a}/presence"),
        "only A's own presence"
    );
    // Car B's commands stayed empty: the platform's next command is B's first message.
    publish(
        &platform,
        &mut el_p,
        &format!("fleet/v1/{b}/commands"),
        "real",
        false,
    )
    .await;
    let got = collect(&mut el_b, Duration::from_secs(5), |g| !g.is_empty()).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, b"real", "car B's first command is the platform's");
}

#[tokio::test]
async fn unknown_users_and_wrong_secrets_are_refused() {
    let a = support::vin();
    let Some(m) = mosquitto(std::slice::from_ref(&a)) else {
        return;
    };
    let unknown = support::vin();
    let secret_of_unknown = m.auth.vehicle_password(&unknown);
    let secret_of_a = m.auth.vehicle_password(&a);
    for (id, user, password) in [
        ("anyone", "anyone", "anything"),
        (
            unknown.as_str(),
            unknown.as_str(),
            secret_of_unknown.expose(),
        ),
        (a.as_str(), a.as_str(), "sim-secret"),
        ("caas-platform-9", "caas-platform", secret_of_a.expose()),
    ] {
        let refused = try_connect(m.options(id, user, password)).await;
        assert!(refused.is_err(), "{user} connected");
    }
    let mut anonymous = MqttOptions::new("anonymous", "127.0.0.1", m.port);
    anonymous.set_keep_alive(Duration::from_secs(5));
    assert!(try_connect(anonymous).await.is_err(), "anonymous connected");
}
