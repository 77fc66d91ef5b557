//! One simulated vehicle: its state behind a lock, its MQTT client, and the
//! glue between the contract rules ([`super::commands`]) and the broker:
//! replies, retained state reports and presence, the ignition, the timers.

use super::commands::Outgoing;
use super::effects;
use super::link::{Control, LinkState};
use super::model::{VehicleState, FIRMWARE_VERSION};
use super::stats::FleetSimStats;
use crate::common::rfc3339;
use caas_domain::fleet::HealthState;
use caas_fleet::topics;
use chrono::Utc;
use rumqttc::{AsyncClient, QoS};
use serde_json::json;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, watch};

/// Locks a mutex, ignoring poisoning.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What every vehicle of one simulator shares.
#[derive(Debug)]
pub(crate) struct Common {
    pub(crate) reply_delay: Duration,
    pub(crate) state_period: Duration,
    pub(crate) stats: Mutex<FleetSimStats>,
}

/// A simulated vehicle (see the module docs).
pub(crate) struct Vehicle {
    pub(crate) vin: String,
    pub(crate) state: Mutex<VehicleState>,
    pub(crate) client: AsyncClient,
    pub(crate) ctrl: mpsc::UnboundedSender<Control>,
    pub(crate) link: watch::Sender<LinkState>,
    pub(crate) common: Arc<Common>,
    last_report: Mutex<Instant>,
    last_prune: Mutex<Instant>,
}

impl Vehicle {
    pub(crate) fn new(
        state: VehicleState,
        client: AsyncClient,
        ctrl: mpsc::UnboundedSender<Control>,
        common: Arc<Common>,
    ) -> Self {
        Self {
            vin: state.vin.clone(),
            state: Mutex::new(state),
            client,
            ctrl,
            link: watch::channel(LinkState::Offline).0,
            common,
            last_report: Mutex::new(Instant::now()),
            last_prune: Mutex::new(Instant::now()),
        }
    }

    pub(crate) fn stats(&self) -> MutexGuard<'_, FleetSimStats> {
        lock(&self.common.stats)
    }

    /// Publishes at QoS 1 (queued in the client while disconnected).
    fn publish(&self, topic: String, payload: Vec<u8>, retain: bool) {
        if let Err(err) = self
            .client
            .try_publish(topic, QoS::AtLeastOnce, retain, payload)
        {
            tracing::warn!(vin = %self.vin, %err, "simulated vehicle could not queue a publish");
        }
    }

    /// Publishes a reply (twice with `duplicate_replies`) unless dropped.
    pub(crate) fn send_reply(&self, out: &Outgoing, duplicate: bool) {
        if !out.publish {
            self.stats().replies_dropped += 1;
            return;
        }
        let Ok(body) = serde_json::to_vec(&out.reply) else {
            return;
        };
        let copies = if duplicate { 2 } else { 1 };
        for _ in 0..copies {
            self.publish(topics::replies(&self.vin), body.clone(), false);
        }
        self.stats().replies_published += copies;
    }

    /// Publishes a retained state report with the next `seq`.
    pub(crate) fn report(&self, st: &mut VehicleState, reason: &str) {
        let report = st.next_report(reason);
        self.publish_report(&report);
    }

    pub(crate) fn publish_report(&self, report: &caas_domain::fleet::StateReport) {
        if let Ok(body) = serde_json::to_vec(report) {
            self.publish(topics::state(&self.vin), body, true);
            self.stats().state_reports_published += 1;
            *lock(&self.last_report) = Instant::now();
        }
    }

    /// Publishes retained presence `online` or `offline` (`shutdown`).
    pub(crate) fn publish_presence(&self, online: bool) {
        let now = rfc3339(lock(&self.state).now());
        let body = if online {
            json!({"status": "online", "at": now, "firmware_version": FIRMWARE_VERSION})
        } else {
            json!({"status": "offline", "reason": "shutdown", "at": now})
        };
        self.publish(
            topics::presence(&self.vin),
            body.to_string().into_bytes(),
            true,
        );
        self.stats().presence_published += 1;
    }

    /// After ConnAck: subscribe, presence online, `connect` report (and an
    /// `expiry` report if a feature expired while offline).
    pub(crate) fn on_connected(&self) {
        if let Err(err) = self
            .client
            .try_subscribe(topics::commands(&self.vin), QoS::AtLeastOnce)
        {
            tracing::warn!(vin = %self.vin, %err, "simulated vehicle could not subscribe");
        }
        self.publish_presence(true);
        let mut st = lock(&self.state);
        st.online = true;
        self.report(&mut st, "connect");
        if std::mem::take(&mut st.expiry_unreported) {
            self.report(&mut st, "expiry");
        }
    }

    /// Records the connection state.
    pub(crate) fn set_link(&self, link: LinkState) {
        if link != LinkState::Online && link != LinkState::Connected {
            lock(&self.state).online = false;
        }
        self.link.send_replace(link);
    }

    /// Turns the ignition (and screen) on or off; on → waiting messages show.
    pub(crate) fn set_ignition(&self, on: bool) {
        let waiting = {
            let mut st = lock(&self.state);
            if st.ignition_on == on {
                return;
            }
            st.ignition_on = on;
            self.report_if_online(&mut st, "change");
            effects::waiting_messages(&st)
        };
        if on {
            for id in waiting {
                self.execute(&id);
            }
        }
    }

    /// Replaces the health block (a change triggers a report).
    pub(crate) fn set_health(&self, health: HealthState) {
        let mut st = lock(&self.state);
        if st.health != health {
            st.health = health;
            self.report_if_online(&mut st, "change");
        }
    }

    /// Switches an installed feature on (for life) or off behind the
    /// platform's back, as a workshop or a tampering would, and reports the
    /// change; `false` if the feature is not installed.
    pub(crate) fn set_feature(&self, code: &str, enabled: bool) -> bool {
        let mut st = lock(&self.state);
        let Some(f) = st.feature_mut(code) else {
            return false;
        };
        if f.enabled == enabled && f.valid_until.is_none() {
            return true;
        }
        f.enabled = enabled;
        f.valid_until = None;
        self.report_if_online(&mut st, "change");
        true
    }

    fn report_if_online(&self, st: &mut VehicleState, reason: &str) {
        if st.online {
            self.report(st, reason);
        }
    }

    /// Timers: feature self-expiry, message expiry, periodic report, pruning.
    pub(crate) fn tick(&self) {
        let mut st = lock(&self.state);
        if st.expire_features() {
            if st.online {
                self.report(&mut st, "expiry");
            } else {
                st.expiry_unreported = true;
            }
        }
        let duplicate = st.faults.duplicate_replies;
        for out in effects::expire_messages(&mut st) {
            self.send_reply(&out, duplicate);
            self.stats()
                .final_status(&out.reply.kind, out.reply.status, false);
        }
        if st.online && lock(&self.last_report).elapsed() >= self.common.state_period {
            self.report(&mut st, "periodic");
        }
        let mut pruned = lock(&self.last_prune);
        if pruned.elapsed() >= Duration::from_secs(60) {
            *pruned = Instant::now();
            st.prune_seen();
        }
    }

    /// Publishes a `periodic` report now (if online); `false` if offline.
    pub(crate) fn report_now(&self) -> bool {
        let mut st = lock(&self.state);
        let online = st.online;
        self.report_if_online(&mut st, "periodic");
        online
    }

    /// Sends a control to the MQTT driver and waits for it to be applied.
    pub(crate) async fn control(&self, make: impl FnOnce(oneshot::Sender<()>) -> Control) {
        let (tx, rx) = oneshot::channel();
        if self.ctrl.send(make(tx)).is_ok() {
            let _ = tokio::time::timeout(Duration::from_secs(5), rx).await;
        }
    }

    /// Waits until the link is `want` (or `timeout`); whether it is.
    pub(crate) async fn wait_link(&self, want: LinkState, timeout: Duration) -> bool {
        let mut rx = self.link.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|l| *l == want))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// The state view with the connection state.
    pub(crate) fn view(&self) -> serde_json::Value {
        let mut v = lock(&self.state).view();
        v["connection"] = json!(*self.link.borrow());
        v["online"] = json!(*self.link.borrow() == LinkState::Online);
        v["checked_at"] = json!(rfc3339(Utc::now()));
        v
    }
}
