//! Test helpers (feature `testing`): brokers to run against (the embedded
//! rumqttd with the test logins, or the local Mosquitto on 127.0.0.1:1883), a recording
//! [`FleetEventSink`], unique VINs and client ids, polling with a timeout,
//! and cleanup of what a test leaves on the shared Mosquitto.
//!
//! The Mosquitto variant is skipped with a notice when nothing listens on
//! 1883, unless `CAAS_REQUIRE_MQTT` is set (then it fails).

use crate::auth::BrokerAuth;
use crate::broker::EmbeddedBroker;
use crate::config::{FleetLinkConfig, Secret};
use crate::handle::lock;
use async_trait::async_trait;
use caas_domain::fleet::{FleetEventSink, FleetReply, Presence, SinkError, StateReport};
use chrono::{DateTime, Utc};
use rumqttc::{AsyncClient, MqttOptions, QoS};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The Mosquitto every developer machine runs.
pub const MOSQUITTO: &str = "127.0.0.1:1883";
/// The platform username the test brokers accept.
pub const TEST_PLATFORM_USER: &str = "caas-platform-test";
/// Its password.
pub const TEST_PLATFORM_PASSWORD: &str = "test-platform-password";
/// The key test vehicles' secrets derive from.
pub const TEST_VEHICLE_KEY: &str = "test-vehicle-key";

/// The credentials of the embedded test brokers.
pub fn test_auth() -> BrokerAuth {
    BrokerAuth::new(
        TEST_PLATFORM_USER,
        Secret::new(TEST_PLATFORM_PASSWORD),
        Secret::new(TEST_VEHICLE_KEY),
    )
}

/// The login a test client uses: a client id without `-` is a VIN (its
/// username, with its derived secret); any other id (`caas-platform-test-…`,
/// `pub-…`, `watch-…`) stands for platform tooling and logs in as the platform.
/// The shared Mosquitto allows anonymous clients and ignores them.
pub fn login(client_id: &str) -> (String, String) {
    if client_id.contains('-') {
        (
            TEST_PLATFORM_USER.to_owned(),
            TEST_PLATFORM_PASSWORD.to_owned(),
        )
    } else {
        let password = test_auth().vehicle_password(client_id);
        (client_id.to_owned(), password.expose().to_owned())
    }
}

/// A link configuration for `url` with the test platform login.
pub fn link_config(url: &str, client_id: &str) -> FleetLinkConfig {
    let mut cfg = FleetLinkConfig::new(url, client_id);
    cfg.username = Some(TEST_PLATFORM_USER.to_owned());
    cfg.password = Some(Secret::new(TEST_PLATFORM_PASSWORD));
    cfg
}

/// Which broker a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerKind {
    /// A fresh in-process rumqttd for this test.
    Embedded,
    /// The shared Mosquitto on 127.0.0.1:1883.
    Mosquitto,
}

/// A broker for one test. Dropping it wipes the persistent sessions and
/// retained topics registered with [`TestBroker::forget_later`] (Mosquitto).
#[derive(Debug)]
pub struct TestBroker {
    /// Which broker.
    pub kind: BrokerKind,
    /// `mqtt://127.0.0.1:PORT`.
    pub url: String,
    _embedded: Option<EmbeddedBroker>,
    cleanup: Mutex<Vec<(String, Vec<String>)>>,
}

/// Whether `CAAS_REQUIRE_MQTT` asks for a real broker.
fn mqtt_required() -> bool {
    std::env::var("CAAS_REQUIRE_MQTT").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A broker of `kind`; `None` (with a printed notice) when Mosquitto is not
/// running and `CAAS_REQUIRE_MQTT` is not set. Panics when it cannot start.
pub fn test_broker(kind: BrokerKind) -> Option<TestBroker> {
    let (url, embedded) = match kind {
        BrokerKind::Embedded => {
            match EmbeddedBroker::start(([127, 0, 0, 1], 0).into(), test_auth()) {
                Ok(b) => (b.url(), Some(b)),
                Err(err) => panic!("embedded broker: {err}"),
            }
        }
        BrokerKind::Mosquitto => {
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 1883));
            let up =
                std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_ok();
            if !up {
                assert!(
                    !mqtt_required(),
                    "CAAS_REQUIRE_MQTT is set but nothing listens on {MOSQUITTO}"
                );
                eprintln!("NOTICE: no MQTT broker on {MOSQUITTO}: Mosquitto variant skipped");
                return None;
            }
            (format!("mqtt://{MOSQUITTO}"), None)
        }
    };
    Some(TestBroker {
        kind,
        url,
        _embedded: embedded,
        cleanup: Mutex::new(Vec::new()),
    })
}

/// Generates `fleet_on_embedded::<name>` and `fleet_on_mosquitto::<name>` tokio tests
/// from `async fn <name>(b: &TestBroker)` functions of the calling module.
#[macro_export]
macro_rules! both_brokers {
    ($($name:ident),* $(,)?) => {
        mod fleet_on_embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(b) = $crate::testing::test_broker($crate::testing::BrokerKind::Embedded) {
                        super::$name(&b).await;
                    }
                }
            )*
        }
        mod fleet_on_mosquitto {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(b) = $crate::testing::test_broker($crate::testing::BrokerKind::Mosquitto) {
                        super::$name(&b).await;
                    }
                }
            )*
        }
    };
}

impl TestBroker {
    /// Remembers persistent client ids and retained topics to wipe from the
    /// shared Mosquitto when this value drops (also after a panic).
    pub fn forget_later(&self, client_ids: &[&str], retained_topics: &[&str]) {
        if self.kind != BrokerKind::Mosquitto {
            return;
        }
        let mut reg = lock(&self.cleanup);
        reg.extend(client_ids.iter().map(|id| ((*id).to_owned(), Vec::new())));
        if !retained_topics.is_empty() {
            let topics = retained_topics.iter().map(|t| (*t).to_owned()).collect();
            reg.push((String::new(), topics));
        }
    }
}

impl Drop for TestBroker {
    fn drop(&mut self) {
        let entries: Vec<_> = lock(&self.cleanup).drain(..).collect();
        if entries.is_empty() {
            return;
        }
        let url = self.url.clone();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                for (id, topics) in entries {
                    let _ = tokio::time::timeout(Duration::from_secs(3), wipe(&url, &id, &topics))
                        .await;
                }
            });
        })
        .join();
    }
}

/// Ends a persistent session (clean-session connect) and clears retained topics.
async fn wipe(url: &str, client_id: &str, topics: &[String]) {
    let Ok((host, port)) = crate::parse_broker_url(url) else {
        return;
    };
    let id = if client_id.is_empty() {
        format!("wipe-{}", uuid::Uuid::new_v4().simple())
    } else {
        client_id.to_owned()
    };
    let mut options = MqttOptions::new(id.clone(), host, port);
    let (user, password) = login(&id);
    options
        .set_clean_session(true)
        .set_credentials(user, password);
    let (client, mut el) = AsyncClient::new(options, 100);
    for t in topics {
        let _ = client
            .publish(t.clone(), QoS::AtLeastOnce, true, Vec::new())
            .await;
    }
    let _ = client.disconnect().await;
    while let Ok(Ok(event)) = tokio::time::timeout(Duration::from_secs(1), el.poll()).await {
        if event == rumqttc::Event::Outgoing(rumqttc::Outgoing::Disconnect) {
            break;
        }
    }
}

/// A unique, valid 17-character test VIN (`T` + 16 uppercase hex digits).
pub fn vin() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    format!("T{}", &id[..16])
}

/// A unique platform client id (`caas-platform-test-…`).
pub fn platform_id() -> String {
    format!("caas-platform-test-{}", uuid::Uuid::new_v4().simple())
}

/// Polls `cond` every 10 ms until it holds (`true`) or `timeout` passes.
pub async fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// One call a [`RecordingSink`] received.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    /// `reply(vin, reply)`.
    Reply(String, FleetReply),
    /// `state_report(vin, report)`.
    State(String, StateReport),
    /// `presence(vin, presence, received_at)`.
    Presence(String, Presence, DateTime<Utc>),
}

impl Seen {
    /// The VIN of the call.
    pub fn vin(&self) -> &str {
        match self {
            Seen::Reply(v, _) | Seen::State(v, _) | Seen::Presence(v, _, _) => v,
        }
    }
}

/// A sink that records every call; can be told to fail the next calls for a VIN.
#[derive(Debug, Default)]
pub struct RecordingSink {
    /// Every successful call, in order.
    pub seen: Mutex<Vec<Seen>>,
    /// Each entry fails one call for that VIN (then is removed).
    pub fail_next_for: Mutex<Vec<String>>,
    /// Calls failed on purpose.
    pub failures: Mutex<u32>,
}

impl RecordingSink {
    /// A new shared sink.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// What was recorded for `vin`, in order.
    pub fn for_vin(&self, vin: &str) -> Vec<Seen> {
        lock(&self.seen)
            .iter()
            .filter(|s| s.vin() == vin)
            .cloned()
            .collect()
    }

    /// Replies recorded for `vin`.
    pub fn replies(&self, vin: &str) -> Vec<FleetReply> {
        let pick = |s| match s {
            Seen::Reply(_, r) => Some(r),
            _ => None,
        };
        self.for_vin(vin).into_iter().filter_map(pick).collect()
    }

    /// State reports recorded for `vin`.
    pub fn states(&self, vin: &str) -> Vec<StateReport> {
        let pick = |s| match s {
            Seen::State(_, r) => Some(r),
            _ => None,
        };
        self.for_vin(vin).into_iter().filter_map(pick).collect()
    }

    /// Presence messages (with receipt time) recorded for `vin`.
    pub fn presences(&self, vin: &str) -> Vec<(Presence, DateTime<Utc>)> {
        let pick = |s| match s {
            Seen::Presence(_, p, at) => Some((p, at)),
            _ => None,
        };
        self.for_vin(vin).into_iter().filter_map(pick).collect()
    }

    fn record(&self, vin: &str, seen: Seen) -> Result<(), SinkError> {
        let mut fail = lock(&self.fail_next_for);
        if let Some(pos) = fail.iter().position(|v| v == vin) {
            fail.remove(pos);
            *lock(&self.failures) += 1;
            return Err(SinkError("injected failure".to_owned()));
        }
        lock(&self.seen).push(seen);
        Ok(())
    }
}

#[async_trait]
impl FleetEventSink for RecordingSink {
    async fn state_report(&self, vin: &str, report: StateReport) -> Result<(), SinkError> {
        self.record(vin, Seen::State(vin.to_owned(), report))
    }

    async fn presence(&self, vin: &str, p: Presence, at: DateTime<Utc>) -> Result<(), SinkError> {
        self.record(vin, Seen::Presence(vin.to_owned(), p, at))
    }

    async fn reply(&self, vin: &str, reply: FleetReply) -> Result<(), SinkError> {
        self.record(vin, Seen::Reply(vin.to_owned(), reply))
    }
}
