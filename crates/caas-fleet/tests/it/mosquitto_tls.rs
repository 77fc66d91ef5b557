//! The fleet link over `mqtts://` (IoT contract SEC-1) against a real
//! Mosquitto started by this test with a TLS listener whose certificate a
//! throwaway CA (made here with rcgen) signed, plus a plain listener for the
//! hand-written car: a link trusting that CA connects and completes a
//! command round trip; a link trusting another CA never connects.
//!
//! Skipped (with a notice) when `/usr/sbin/mosquitto` is missing, unless
//! `CAAS_REQUIRE_MQTT` is set.

use crate::support;

use crate::support::{reply_to, wait_until, RecordingSink, TestVehicle};
use caas_domain::fleet::{CommandOutcome, FleetApi, ReplyStatus};
use caas_fleet::{FleetLink, FleetTls};
use chrono::Utc;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const MOSQUITTO_BIN: &str = "/usr/sbin/mosquitto";
const WAIT: Duration = Duration::from_secs(10);

/// A Mosquitto child process with a TLS and a plain listener.
struct TlsMosquitto {
    child: Child,
    tls_port: u16,
    plain_port: u16,
    dir: tempfile::TempDir,
}

impl Drop for TlsMosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn required() -> bool {
    std::env::var("CAAS_REQUIRE_MQTT").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Writes a self-signed CA certificate as `{name}.pem`; returns its params and key.
fn make_ca(dir: &Path, name: &str) -> (rcgen::Certificate, KeyPair) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, format!("caas test CA {name}"));
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    std::fs::write(dir.join(format!("{name}.pem")), cert.pem()).unwrap();
    (cert, key)
}

/// Starts Mosquitto with a certificate for `127.0.0.1` and `localhost`
/// signed by a fresh CA (`ca.pem`); `None` when it is not installed.
fn mosquitto() -> Option<TlsMosquitto> {
    if !Path::new(MOSQUITTO_BIN).exists() {
        assert!(
            !required(),
            "CAAS_REQUIRE_MQTT is set but {MOSQUITTO_BIN} is missing"
        );
        eprintln!("NOTICE: {MOSQUITTO_BIN} not installed: Mosquitto TLS test skipped");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let (ca, ca_key) = make_ca(dir.path(), "ca");
    let server_key = KeyPair::generate().unwrap();
    let params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    let server = params.signed_by(&server_key, &ca, &ca_key).unwrap();
    std::fs::write(dir.path().join("server.pem"), server.pem()).unwrap();
    std::fs::write(dir.path().join("server.key"), server_key.serialize_pem()).unwrap();
    let (tls_port, plain_port) = (free_port(), free_port());
    let d = dir.path().display();
    let conf = format!(
        "per_listener_settings false\nallow_anonymous true\nuser root\n\
         listener {tls_port} 127.0.0.1\ncafile {d}/ca.pem\ncertfile {d}/server.pem\nkeyfile {d}/server.key\n\
         listener {plain_port} 127.0.0.1\n"
    );
    std::fs::write(dir.path().join("test.conf"), conf).unwrap();
    let mut child = Command::new(MOSQUITTO_BIN)
        .arg("-c")
        .arg(dir.path().join("test.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for port in [tls_port, plain_port] {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        while std::net::TcpStream::connect(addr).is_err() {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("mosquitto exited with {status}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    Some(TlsMosquitto {
        child,
        tls_port,
        plain_port,
        dir,
    })
}

impl TlsMosquitto {
    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn link_config(&self, ca_file: PathBuf) -> caas_fleet::FleetLinkConfig {
        let url = format!("mqtts://127.0.0.1:{}", self.tls_port);
        let mut cfg = support::link_config(&url, &support::platform_id());
        cfg.tls = Some(FleetTls::new(ca_file));
        cfg.keep_alive = Duration::from_secs(5);
        cfg
    }
}

#[tokio::test]
async fn the_link_connects_over_mqtts_to_a_broker_the_configured_ca_signed_and_commands_round_trip()
{
    let Some(broker) = mosquitto() else { return };
    let link = FleetLink::start(
        broker.link_config(broker.file("ca.pem")),
        RecordingSink::new(),
    )
    .unwrap();
    assert!(link.wait_connected(WAIT).await, "link connected over TLS");
    let vin = support::vin();
    let _car = TestVehicle::start(
        &format!("mqtt://127.0.0.1:{}", broker.plain_port),
        &vin,
        Arc::new(|cmd| {
            vec![reply_to(
                cmd,
                ReplyStatus::Succeeded,
                Some(json!({"vin": "x", "seq": 1})),
            )]
        }),
    )
    .await;
    let cmd = caas_domain::fleet::FleetCommand::state_query(
        caas_domain::fleet::CommandStamp::fresh(Utc::now(), chrono::Duration::minutes(10)),
    );
    let outcome = link.send_command(&vin, &cmd, WAIT).await.unwrap();
    let CommandOutcome::Final(reply) = outcome else {
        panic!("expected the car's final reply, got {outcome:?}")
    };
    assert_eq!(reply.command_id, cmd.command_id());
    assert_eq!(reply.status, ReplyStatus::Succeeded);
    link.shutdown().await;
}

#[tokio::test]
async fn a_link_trusting_another_ca_is_refused_by_the_tls_handshake() {
    let Some(broker) = mosquitto() else { return };
    make_ca(broker.dir.path(), "other-ca");
    let link = FleetLink::start(
        broker.link_config(broker.file("other-ca.pem")),
        RecordingSink::new(),
    )
    .unwrap();
    assert!(
        wait_until(WAIT, || link.stats().connection_errors >= 2).await,
        "the handshake failed and was retried: {:?}",
        link.stats()
    );
    let stats = link.stats();
    assert_eq!(stats.connects, 0, "never connected: {stats:?}");
    assert!(!link.is_connected());
    link.shutdown().await;
}

#[tokio::test]
async fn an_mqtts_broker_without_a_ca_file_is_a_configuration_error() {
    let cfg = caas_fleet::FleetLinkConfig::new("mqtts://127.0.0.1:8883", "caas-platform-1");
    let err = FleetLink::start(cfg, RecordingSink::new()).unwrap_err();
    assert!(err.to_string().contains("CA file"), "{err}");
}
