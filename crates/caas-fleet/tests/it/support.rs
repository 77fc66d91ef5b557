//! Raw MQTT clients for the tests (standing in for vehicles and for other
//! publishers), on top of `caas_fleet::testing` (brokers, recording sink).

use caas_domain::fleet::FleetReply;
use chrono::Utc;
use rumqttc::{
    AsyncClient, Event, EventLoop, MqttOptions, NetworkOptions, Packet, QoS, SubscribeReasonCode,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use caas_fleet::testing::*;

/// Raw rumqttc options for a test client, with its test login ([`login`]).
pub fn options(url: &str, client_id: &str, clean: bool, keep_alive_secs: u64) -> MqttOptions {
    let (host, port) = caas_fleet::parse_broker_url(url).unwrap();
    let mut o = MqttOptions::new(client_id, host, port);
    let (user, password) = login(client_id);
    o.set_clean_session(clean)
        .set_credentials(user, password)
        .set_keep_alive(Duration::from_secs(keep_alive_secs))
        .set_max_packet_size(256 * 1024, 256 * 1024);
    o
}

/// Connects and returns the client and its event loop, polled until ConnAck.
pub async fn connect(opts: MqttOptions) -> (AsyncClient, EventLoop) {
    let (client, el, _) = connect_session(opts).await;
    (client, el)
}

/// Like [`connect`], also returning the ConnAck's `session_present`.
pub async fn connect_session(opts: MqttOptions) -> (AsyncClient, EventLoop, bool) {
    let (client, mut el) = AsyncClient::new(opts, 100);
    let mut net = NetworkOptions::new();
    net.set_tcp_nodelay(true);
    el.set_network_options(net);
    loop {
        match tokio::time::timeout(Duration::from_secs(5), el.poll()).await {
            Ok(Ok(Event::Incoming(Packet::ConnAck(ack)))) => {
                return (client, el, ack.session_present)
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("connect failed: {e}"),
            Err(_) => panic!("connect timed out"),
        }
    }
}

/// Tries to connect; `Err` with the reason when the broker refuses or
/// closes the connection before its ConnAck.
pub async fn try_connect(opts: MqttOptions) -> Result<(AsyncClient, EventLoop), String> {
    let (client, mut el) = AsyncClient::new(opts, 100);
    loop {
        match tokio::time::timeout(Duration::from_secs(5), el.poll()).await {
            Ok(Ok(Event::Incoming(Packet::ConnAck(_)))) => return Ok((client, el)),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(e.to_string()),
            Err(_) => panic!("neither ConnAck nor refusal"),
        }
    }
}

/// Subscribes to `filter` at QoS 1 and polls until the broker's SubAck
/// (publishes arriving meanwhile, e.g. retained ones, are returned).
pub async fn subscribe_acked(
    client: &AsyncClient,
    el: &mut EventLoop,
    filter: &str,
) -> Vec<(String, Vec<u8>, bool)> {
    client.subscribe(filter, QoS::AtLeastOnce).await.unwrap();
    let mut got = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), el.poll()).await {
            Ok(Ok(Event::Incoming(Packet::SubAck(ack)))) => {
                assert!(
                    !ack.return_codes.contains(&SubscribeReasonCode::Failure),
                    "subscription to {filter} refused"
                );
                return got;
            }
            Ok(Ok(Event::Incoming(Packet::Publish(p)))) => {
                got.push((p.topic.clone(), p.payload.to_vec(), p.retain))
            }
            Ok(Ok(_)) => {}
            other => panic!("subscribe to {filter} failed: {other:?}"),
        }
    }
}

/// Sends DISCONNECT and polls until the broker closed the connection.
///
/// Closing the socket right after DISCONNECT races rumqttd 0.20: its router
/// frees the connection id on the DISCONNECT packet and gives it to the next
/// client, then the old link task reports the closed socket under the same
/// id and the router drops the *new* connection (seen as `ConnectionAborted`
/// or a reset in the next client). Waiting for the broker's close means the
/// old link ended by the router's hand, so it reports nothing.
pub async fn disconnect(client: &AsyncClient, el: &mut EventLoop) {
    client.disconnect().await.unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        while el.poll().await.is_ok() {}
    });
    closed
        .await
        .expect("the broker closes the connection after DISCONNECT");
}

/// Polls `el` until `want` matches an incoming publish or `timeout`; returns
/// the publishes seen (topic, payload, retain) in order.
pub async fn collect(
    el: &mut EventLoop,
    timeout: Duration,
    mut done: impl FnMut(&[(String, Vec<u8>, bool)]) -> bool,
) -> Vec<(String, Vec<u8>, bool)> {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + timeout;
    while !done(&got) {
        match tokio::time::timeout_at(deadline, el.poll()).await {
            Ok(Ok(Event::Incoming(Packet::Publish(p)))) => {
                got.push((p.topic.clone(), p.payload.to_vec(), p.retain))
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("connection error: {e}"),
            Err(_) => break,
        }
    }
    got
}

/// Publishes and waits until the event loop flushed it (QoS 1 PubAck seen).
pub async fn publish_now(url: &str, topic: &str, payload: &[u8], retain: bool) {
    let id = format!("pub-{}", uuid::Uuid::new_v4().simple());
    let (client, mut el) = connect(options(url, &id, true, 5)).await;
    client
        .publish(topic, QoS::AtLeastOnce, retain, payload.to_vec())
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, el.poll()).await {
            Ok(Ok(Event::Incoming(Packet::PubAck(_)))) => break,
            Ok(Ok(_)) => {}
            other => panic!("publish failed: {other:?}"),
        }
    }
    disconnect(&client, &mut el).await;
}

/// How a hand-written test vehicle answers one command.
pub type Responder =
    Arc<dyn Fn(&caas_domain::fleet::FleetCommand) -> Vec<FleetReply> + Send + Sync>;

/// A tiny hand-written vehicle: subscribes to its commands and publishes
/// what the responder returns on its replies topic.
pub struct TestVehicle {
    pub received: Arc<Mutex<Vec<caas_domain::fleet::FleetCommand>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestVehicle {
    /// Connects (clean session), subscribes, and returns once subscribed.
    pub async fn start(url: &str, vin: &str, responder: Responder) -> Self {
        let (client, mut el) = connect(options(url, vin, true, 5)).await;
        subscribe_acked(&client, &mut el, &format!("fleet/v1/{vin}/commands")).await;
        let received = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&received);
        let replies = format!("fleet/v1/{vin}/replies");
        let task = tokio::spawn(async move {
            while let Ok(ev) = el.poll().await {
                let Event::Incoming(Packet::Publish(p)) = ev else {
                    continue;
                };
                let Ok(cmd) = serde_json::from_slice(&p.payload) else {
                    continue;
                };
                seen.lock().unwrap().push(cmd);
                let cmd = seen.lock().unwrap().last().cloned().unwrap();
                for reply in responder(&cmd) {
                    let body = serde_json::to_vec(&reply).unwrap();
                    let _ = client.try_publish(&replies, QoS::AtLeastOnce, false, body);
                }
            }
        });
        Self { received, task }
    }
}

impl Drop for TestVehicle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A reply to `cmd` with `status` (and `result`).
pub fn reply_to(
    cmd: &caas_domain::fleet::FleetCommand,
    status: caas_domain::fleet::ReplyStatus,
    result: Option<serde_json::Value>,
) -> FleetReply {
    FleetReply {
        command_id: cmd.command_id().to_owned(),
        kind: cmd.kind().to_owned(),
        status,
        at: Utc::now(),
        error: None,
        result,
    }
}
