//! Counters of the fleet simulator (`GET /_sim/stats`).

use caas_domain::fleet::ReplyStatus;
use serde::Serialize;
use std::collections::BTreeMap;

/// Counters for one command type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TypeStats {
    /// Payloads received (including repeats).
    pub received: u64,
    /// Repeats answered by republishing the latest reply.
    pub replayed: u64,
    /// Commands performed (final reply from execution, not from intake).
    pub executed: u64,
    /// Final `succeeded` replies produced.
    pub succeeded: u64,
    /// Final `rejected` replies produced.
    pub rejected: u64,
    /// Final `failed` replies produced.
    pub failed: u64,
    /// Final `expired` replies produced.
    pub expired: u64,
}

/// Counters of the whole simulator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FleetSimStats {
    /// Payloads received on `…/commands` (including repeats and garbage).
    pub commands_received: u64,
    /// Not JSON or no `command_id`: dropped without reply.
    pub commands_discarded: u64,
    /// Repeats of a known `command_id`.
    pub commands_replayed: u64,
    /// Distinct command ids received.
    pub commands_new: u64,
    /// Commands performed (excluding replays and intake rejections/expiry).
    pub commands_executed: u64,
    /// Reply messages published (duplicates and replays included).
    pub replies_published: u64,
    /// Replies not published because of `drop_replies_next`.
    pub replies_dropped: u64,
    /// State reports published.
    pub state_reports_published: u64,
    /// Presence messages published by vehicles (not counting last wills).
    pub presence_published: u64,
    /// Per command type.
    pub per_type: BTreeMap<String, TypeStats>,
}

impl FleetSimStats {
    /// The counters of `kind` (`"unknown"` when empty).
    pub fn kind(&mut self, kind: &str) -> &mut TypeStats {
        let key = if kind.is_empty() { "unknown" } else { kind };
        self.per_type.entry(key.to_owned()).or_default()
    }

    /// Counts a final reply produced for `kind`.
    pub fn final_status(&mut self, kind: &str, status: ReplyStatus, executed: bool) {
        let t = self.kind(kind);
        match status {
            ReplyStatus::Succeeded => t.succeeded += 1,
            ReplyStatus::Rejected => t.rejected += 1,
            ReplyStatus::Failed => t.failed += 1,
            ReplyStatus::Expired => t.expired += 1,
            ReplyStatus::Accepted => return,
        }
        if executed {
            t.executed += 1;
            self.commands_executed += 1;
        }
    }
}
