//! One command to the car and the IoT contract's timeout rules for it
//! (`shared/contracts/iot-api.md`, "Timeouts and retries"):
//! 1. republishing the same command before `expires_at` is safe, at most
//!    every 30 s while the car is online and nothing came back;
//! 2. nothing within 10 s while online is *unacknowledged*, not failed;
//!    offline, the broker queues it until `expires_at`;
//! 3. `accepted` without a final reply within 60 s → `state.query`;
//! 4. a timeout alone never proves the feature off — only a final reply or
//!    a state report does;
//! 5. a new try after a final reply uses a new `command_id`.
//!
//! [`next_action`] is rules 1–4 as a pure function of what was seen.

use crate::fleet::ReplyStatus;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// What a command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandKind {
    /// `feature.enable`.
    Enable,
    /// `feature.disable`.
    Disable,
    /// `state.query`.
    Query,
}

impl CommandKind {
    /// The contract's `type`.
    pub fn wire_type(self) -> &'static str {
        match self {
            Self::Enable => "feature.enable",
            Self::Disable => "feature.disable",
            Self::Query => "state.query",
        }
    }
}

/// One command sent to the car and what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandAttempt {
    /// `cmd_…`, never reused for different content.
    pub command_id: String,
    /// What it does.
    pub kind: CommandKind,
    /// Issued (the payload's `issued_at`).
    pub issued_at: DateTime<Utc>,
    /// The payload's `expires_at`.
    pub expires_at: DateTime<Utc>,
    /// The car's state-report `seq` when it was issued: a confirmation must
    /// come from a later report.
    pub seq_at_issue: Option<i64>,
    /// Times published (the same payload each time).
    pub publishes: u32,
    /// First publication.
    pub first_published_at: Option<DateTime<Utc>>,
    /// Last publication.
    pub last_published_at: Option<DateTime<Utc>>,
    /// `accepted` received.
    pub accepted_at: Option<DateTime<Utc>>,
    /// Final status, once received.
    pub final_status: Option<ReplyStatus>,
    /// `error.code` of a `rejected`/`failed` reply.
    pub error_code: Option<String>,
    /// When the final reply came.
    pub final_at: Option<DateTime<Utc>>,
    /// For a `state.query`: the features its result reported.
    pub result_features: Option<Vec<crate::fleet::FeatureState>>,
}

impl CommandAttempt {
    /// A command not yet published.
    pub fn new(
        command_id: String,
        kind: CommandKind,
        issued_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        seq_at_issue: Option<i64>,
    ) -> Self {
        Self {
            command_id,
            kind,
            issued_at,
            expires_at,
            seq_at_issue,
            publishes: 0,
            first_published_at: None,
            last_published_at: None,
            accepted_at: None,
            final_status: None,
            error_code: None,
            final_at: None,
            result_features: None,
        }
    }

    /// Notes a publication at `now`.
    pub fn mark_published(&mut self, now: DateTime<Utc>) {
        self.publishes += 1;
        self.first_published_at.get_or_insert(now);
        self.last_published_at = Some(now);
    }

    /// Records a reply; a late `accepted` never overrides a final status
    /// and a duplicate final is ignored. Returns whether anything changed.
    pub fn record_reply(
        &mut self,
        status: ReplyStatus,
        error_code: Option<String>,
        at: DateTime<Utc>,
    ) -> bool {
        if self.final_status.is_some() {
            return false;
        }
        if status.is_final() {
            self.final_status = Some(status);
            self.error_code = error_code;
            self.final_at = Some(at);
            return true;
        }
        if self.accepted_at.is_none() {
            self.accepted_at = Some(at);
            return true;
        }
        false
    }
}

/// The contract's waits (defaults from `iot-api.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandTiming {
    /// Rule 2: no answer within this while online is *unacknowledged*.
    pub ack_within: Duration,
    /// Rule 1: republish at most this often.
    pub republish_every: Duration,
    /// Rule 3: `accepted` without final this long → `state.query`.
    pub final_within: Duration,
    /// Unacknowledged for this long while online → ask with `state.query`.
    pub silent_query_after: Duration,
}

impl Default for CommandTiming {
    fn default() -> Self {
        Self {
            ack_within: Duration::seconds(10),
            republish_every: Duration::seconds(30),
            final_within: Duration::seconds(60),
            silent_query_after: Duration::seconds(60),
        }
    }
}

/// What to do about a command now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptAction {
    /// A final reply arrived: the caller judges it.
    Finished(ReplyStatus),
    /// Publish (again) the same payload.
    Publish,
    /// Ask the car for its state and trust its features (rules 3, 4).
    QueryState,
    /// Nothing to do before this time (or before the car reconnects).
    WaitUntil(DateTime<Utc>),
}

/// Rules 1–4 for `cmd` at `now`; `online` is the car's presence (`None`
/// when unknown, treated as online so the command is at least published).
pub fn next_action(
    cmd: &CommandAttempt,
    online: Option<bool>,
    now: DateTime<Utc>,
    t: &CommandTiming,
) -> AttemptAction {
    if let Some(status) = cmd.final_status {
        return AttemptAction::Finished(status);
    }
    let Some(last) = cmd.last_published_at else {
        return AttemptAction::Publish;
    };
    if let Some(accepted) = cmd.accepted_at {
        let ask_at = accepted + t.final_within;
        return if now >= ask_at || now >= cmd.expires_at {
            AttemptAction::QueryState
        } else {
            AttemptAction::WaitUntil(ask_at)
        };
    }
    if online == Some(false) {
        // Queued by the broker; the car answers (perhaps `expired`) when it
        // reconnects, and its presence wakes the caller.
        return AttemptAction::WaitUntil(cmd.expires_at);
    }
    let first = cmd.first_published_at.unwrap_or(last);
    if now >= cmd.expires_at || now >= first + t.silent_query_after {
        return AttemptAction::QueryState;
    }
    let again = last + t.republish_every;
    if now >= again {
        AttemptAction::Publish
    } else {
        AttemptAction::WaitUntil(again.min(cmd.expires_at))
    }
}

#[cfg(test)]
mod tests;
