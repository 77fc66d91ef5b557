//! What the link does with each message a vehicle published: parse the topic
//! (its `{vin}` is authoritative) and the payload, wake command waiters, and
//! hand the message to the [`FleetEventSink`]. The caller acknowledges the
//! MQTT message only when this returns [`Disposition::Ack`].

use crate::handle::{bump, lock, Shared};
use crate::topics::{self, Leaf, MAX_PAYLOAD};
use caas_domain::fleet::{FleetEventSink, FleetReply, Presence, SinkError, StateReport};
use chrono::Utc;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// Whether the MQTT message may be acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Disposition {
    /// Recorded (or deliberately discarded): acknowledge.
    Ack,
    /// The sink failed: leave unacknowledged so the broker redelivers.
    Keep,
}

/// Dispatches incoming messages to waiters and the sink.
pub(crate) struct Inbound {
    pub(crate) shared: Arc<Shared>,
    pub(crate) sink: Arc<dyn FleetEventSink>,
}

impl Inbound {
    /// Handles one message from `topic`.
    pub(crate) async fn handle(&self, topic: &str, payload: &[u8]) -> Disposition {
        bump(&self.shared.counters.received);
        let Some((vin, leaf)) = topics::parse(topic) else {
            return self.discard(topic, "not a fleet/v1/{vin}/… topic");
        };
        if payload.len() > MAX_PAYLOAD {
            return self.discard(topic, "payload larger than 16 KiB");
        }
        let outcome = match leaf {
            Leaf::Replies => match parse::<FleetReply>(payload) {
                Ok(reply) => self.reply(vin, reply).await,
                Err(e) => return self.discard(topic, &e),
            },
            Leaf::State => match parse::<StateReport>(payload) {
                Ok(report) => return self.state(vin, report).await,
                Err(e) => return self.discard(topic, &e),
            },
            Leaf::Presence => match parse::<Presence>(payload) {
                Ok(presence) => self.presence(vin, presence).await,
                Err(e) => return self.discard(topic, &e),
            },
            Leaf::Commands => return self.discard(topic, "commands are not for the platform"),
        };
        self.settle(topic, outcome)
    }

    async fn reply(&self, vin: &str, reply: FleetReply) -> Result<(), SinkError> {
        let waited = self.shared.waiters.deliver(vin, &reply);
        tracing::debug!(%vin, command_id = %reply.command_id, status = reply.status.as_str(), waited, "fleet reply");
        self.sink.reply(vin, reply).await
    }

    async fn state(&self, vin: &str, mut report: StateReport) -> Disposition {
        report.vin = vin.to_owned();
        let seq = report.seq;
        let known = lock(&self.shared.accepted_seq).get(vin).copied();
        if known.is_some_and(|k| seq <= k) {
            tracing::debug!(%vin, seq, ?known, "state report not newer than one already recorded; skipped");
            bump(&self.shared.counters.stale_state_skipped);
            return Disposition::Ack;
        }
        let outcome = self.sink.state_report(vin, report).await;
        if outcome.is_ok() {
            let mut seqs = lock(&self.shared.accepted_seq);
            let entry = seqs.entry(vin.to_owned()).or_insert(seq);
            *entry = (*entry).max(seq);
        }
        self.settle(&topics::state(vin), outcome)
    }

    async fn presence(&self, vin: &str, presence: Presence) -> Result<(), SinkError> {
        let received_at = Utc::now();
        tracing::debug!(%vin, status = %presence.status, reason = ?presence.reason, "fleet presence");
        lock(&self.shared.presence).insert(vin.to_owned(), presence.clone());
        self.sink.presence(vin, presence, received_at).await
    }

    fn settle(&self, topic: &str, outcome: Result<(), SinkError>) -> Disposition {
        match outcome {
            Ok(()) => Disposition::Ack,
            Err(err) => {
                tracing::warn!(%topic, %err, "fleet event not recorded; left unacknowledged for redelivery");
                bump(&self.shared.counters.sink_errors);
                let first = {
                    let mut since = lock(&self.shared.resync_since);
                    let first = since.is_none();
                    since.get_or_insert_with(std::time::Instant::now);
                    first
                };
                if first {
                    self.shared.resync_wake.notify_one();
                }
                Disposition::Keep
            }
        }
    }

    fn discard(&self, topic: &str, why: &str) -> Disposition {
        tracing::warn!(%topic, why, "fleet message discarded");
        bump(&self.shared.counters.discarded);
        Disposition::Ack
    }
}

fn parse<T: DeserializeOwned>(payload: &[u8]) -> Result<T, String> {
    serde_json::from_slice(payload).map_err(|e| format!("payload is not the expected JSON: {e}"))
}
