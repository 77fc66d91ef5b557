//! A simulated vehicle's MQTT connection: options (client id = username =
//! VIN, persistent session, last will, TCP_NODELAY) and the driver task that
//! polls the event loop and applies online/offline/shutdown controls.
//!
//! Offline modes: `silent` keeps the socket open but stops talking, so the
//! broker fires the last will after 1.5 × keep-alive (a dead link); `drop`
//! closes the socket without DISCONNECT (the broker fires the will at once).
//! Going online again reuses the same client state, so replies queued while
//! offline are sent after the reconnect.

use super::vehicle::Vehicle;
use caas_fleet::topics;
use rumqttc::{Event, EventLoop, LastWill, MqttOptions, NetworkOptions, Packet, QoS, Request};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Connection state of a simulated vehicle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// Trying to connect.
    Connecting,
    /// ConnAck received, subscription pending.
    Connected,
    /// Connected and subscribed to its commands.
    Online,
    /// Socket held open but silent (last will after 1.5 × keep-alive).
    Silent,
    /// Not connected.
    Offline,
    /// Disconnected cleanly (presence `shutdown`).
    Shutdown,
}

/// How to go offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfflineMode {
    /// Stop talking, keep the socket.
    Silent,
    /// Close the socket without DISCONNECT.
    Drop,
    /// Presence `shutdown`, then DISCONNECT (no last will).
    Clean,
}

/// Orders for the driver task; each acknowledges through its sender.
#[derive(Debug)]
pub enum Control {
    /// Connect (again).
    Online(oneshot::Sender<()>),
    /// Go offline.
    Offline(OfflineMode, oneshot::Sender<()>),
    /// Clean shutdown, then end the task.
    Stop(oneshot::Sender<()>),
}

/// MQTT options of a vehicle; its password is derived from `vehicle_key`.
pub(crate) fn options(
    host: &str,
    port: u16,
    vin: &str,
    keep_alive: Duration,
    vehicle_key: Option<&caas_fleet::Secret>,
) -> MqttOptions {
    let password = vehicle_key
        .map(|key| {
            caas_fleet::auth::vehicle_password(key, vin)
                .expose()
                .to_owned()
        })
        .unwrap_or_default();
    let mut o = MqttOptions::new(vin, host, port);
    o.set_clean_session(false)
        .set_keep_alive(keep_alive.max(Duration::from_secs(1)))
        .set_credentials(vin, password)
        .set_max_packet_size(64 * 1024, 64 * 1024)
        .set_last_will(LastWill::new(
            topics::presence(vin),
            br#"{"status":"offline","reason":"connection_lost","at":null}"#.to_vec(),
            QoS::AtLeastOnce,
            true,
        ));
    o
}

/// Network options of a vehicle (TCP_NODELAY on).
pub(crate) fn network() -> NetworkOptions {
    let mut n = NetworkOptions::new();
    n.set_tcp_nodelay(true);
    n.set_connection_timeout(5);
    n
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Polling,
    Paused,
}

/// Drives one vehicle's connection until [`Control::Stop`].
pub(crate) async fn drive(
    v: Arc<Vehicle>,
    mut el: EventLoop,
    mut ctrl: mpsc::UnboundedReceiver<Control>,
) {
    let mut mode = Mode::Paused;
    let mut backoff = Duration::from_millis(100);
    loop {
        if mode == Mode::Paused {
            let Some(c) = ctrl.recv().await else { break };
            match apply(&v, &mut el, &mut mode, c).await {
                Some(()) => continue,
                None => break,
            }
        }
        tokio::select! {
            biased;
            c = ctrl.recv() => {
                let Some(c) = c else { break };
                if apply(&v, &mut el, &mut mode, c).await.is_none() {
                    break;
                }
            }
            event = el.poll() => match event {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    backoff = Duration::from_millis(100);
                    v.set_link(LinkState::Connected);
                    v.on_connected();
                }
                Ok(Event::Incoming(Packet::SubAck(_))) => v.set_link(LinkState::Online),
                Ok(Event::Incoming(Packet::Publish(p))) => v.on_command(&p.payload),
                Ok(_) => {}
                Err(err) => {
                    v.set_link(LinkState::Connecting);
                    tracing::debug!(vin = %v.vin, %err, "simulated vehicle connection error");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                }
            },
        }
    }
    v.set_link(LinkState::Offline);
}

/// Applies a control; `None` ends the driver.
async fn apply(v: &Vehicle, el: &mut EventLoop, mode: &mut Mode, c: Control) -> Option<()> {
    match c {
        Control::Online(done) => {
            if *mode == Mode::Paused {
                reset(el);
                *mode = Mode::Polling;
                v.set_link(LinkState::Connecting);
            }
            let _ = done.send(());
        }
        Control::Offline(OfflineMode::Silent, done) => {
            if *mode == Mode::Polling {
                *mode = Mode::Paused;
                v.set_link(LinkState::Silent);
            }
            let _ = done.send(());
        }
        Control::Offline(OfflineMode::Drop, done) => {
            reset(el);
            *mode = Mode::Paused;
            v.set_link(LinkState::Offline);
            let _ = done.send(());
        }
        Control::Offline(OfflineMode::Clean, done) => {
            clean_shutdown(v, el, *mode).await;
            *mode = Mode::Paused;
            let _ = done.send(());
        }
        Control::Stop(done) => {
            clean_shutdown(v, el, *mode).await;
            let _ = done.send(());
            return None;
        }
    }
    Some(())
}

/// Presence `shutdown` and DISCONNECT when connected; then drop the socket.
async fn clean_shutdown(v: &Vehicle, el: &mut EventLoop, mode: Mode) {
    let connected = matches!(*v.link.borrow(), LinkState::Online | LinkState::Connected);
    if mode == Mode::Polling && connected {
        v.publish_presence(false);
        let _ = v.client.try_disconnect();
        // Read until the broker closes the connection: closing a socket with
        // unread data sends RST, and the broker may then lose the DISCONNECT
        // and fire the last will.
        let wait = tokio::time::timeout(Duration::from_secs(2), async {
            while el.poll().await.is_ok() {}
        });
        let _ = wait.await;
        reset(el);
        v.set_link(LinkState::Shutdown);
    } else {
        reset(el);
        v.set_link(LinkState::Offline);
    }
}

/// Drops the network connection (no DISCONNECT) keeping unacknowledged
/// publishes for the next connection, minus any stale DISCONNECT request.
fn reset(el: &mut EventLoop) {
    if el.network.is_some() {
        el.clean();
    }
    el.pending.retain(|r| !matches!(r, Request::Disconnect(_)));
}
