//! How a simulated vehicle handles a payload from its `…/commands` topic:
//! the contract rules ([`super::commands`]), counters, replies, and the
//! delayed execution that produces the final reply.

use super::commands::{self, Intake, Outgoing};
use super::vehicle::{lock, Vehicle};
use std::sync::Arc;
use std::time::Duration;

impl Vehicle {
    /// Handles one payload from `…/commands`.
    pub(crate) fn on_command(self: &Arc<Self>, payload: &[u8]) {
        let mut st = lock(&self.state);
        let received = commands::intake(&mut st, payload);
        let duplicate = st.faults.duplicate_replies;
        let reorder = st.faults.reorder_replies;
        let delay = st
            .faults
            .final_delay_ms
            .map_or(self.common.reply_delay, Duration::from_millis);
        drop(st);
        let mut stats = self.stats();
        stats.commands_received += 1;
        if !matches!(received.intake, Intake::Discard) {
            stats.kind(&received.kind).received += 1;
        }
        match &received.intake {
            Intake::Discard => stats.commands_discarded += 1,
            Intake::Replay(_) => {
                stats.commands_replayed += 1;
                stats.kind(&received.kind).replayed += 1;
            }
            Intake::Final(out) => {
                stats.commands_new += 1;
                stats.final_status(&received.kind, out.reply.status, false);
            }
            Intake::Accepted { .. } => stats.commands_new += 1,
        }
        drop(stats);
        tracing::debug!(vin = %self.vin, id = %received.id, kind = %received.kind, "command received");
        match received.intake {
            Intake::Discard | Intake::Replay(None) => {}
            Intake::Replay(Some(reply)) => self.send_reply(
                &Outgoing {
                    reply,
                    publish: true,
                },
                duplicate,
            ),
            Intake::Final(out) => self.send_reply(&out, duplicate),
            Intake::Accepted { accepted, now } => {
                // Reordered: `accepted` waits until the final reply is out.
                let (now_out, later) = match accepted {
                    Some(out) if reorder && now => (None, Some(out)),
                    other => (other, None),
                };
                if let Some(out) = now_out {
                    self.send_reply(&out, duplicate);
                }
                if now {
                    let me = Arc::clone(self);
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        me.execute(&received.id);
                        if let Some(out) = later {
                            me.send_reply(&out, duplicate);
                        }
                    });
                }
            }
        }
    }

    /// Executes a pending command now and publishes its final reply.
    pub(crate) fn execute(&self, id: &str) {
        let mut st = lock(&self.state);
        let Some(done) = commands::execute(&mut st, id) else {
            return;
        };
        self.send_reply(&done.reply, st.faults.duplicate_replies);
        self.stats()
            .final_status(&done.reply.reply.kind, done.reply.reply.status, true);
        if let Some(report) = &done.query_report {
            self.publish_report(report);
        }
        if done.changed {
            self.report(&mut st, "change");
        }
    }
}
