//! The vehicle rules of the contract, without MQTT: [`intake`] applies rules
//! (1) repeat → replay, (2) past `expires_at` → `expired`, (3) validate,
//! answering `accepted` or a final reply; [`execute`] later performs the
//! command (re-validated, `hardware_fault` injection) and produces the final;
//! [`super::effects`] holds what execution changes.

use super::effects::{apply, set_message};
use super::model::{DisplayMessage, SeenCommand, VehicleState};
use super::validate::{validate, Action};
use caas_domain::fleet::{CommandError, FleetReply, ReplyStatus, StateReport};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// One incoming payload after the rules: its id, type and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// `command_id` (empty when discarded).
    pub id: String,
    /// `type` as received.
    pub kind: String,
    /// What to do.
    pub intake: Intake,
}

/// A reply to publish (or, with `publish == false`, only to remember).
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// The reply.
    pub reply: FleetReply,
    /// `false` under the `drop_replies_next` fault.
    pub publish: bool,
}

/// What the vehicle does with one incoming payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Intake {
    /// Not JSON or no `command_id`: no reply.
    Discard,
    /// Seen before: republish its latest reply (if it has one yet).
    Replay(Option<FleetReply>),
    /// Answered at once with a final reply (expired or rejected).
    Final(Outgoing),
    /// To execute: `accepted` (unless skipped), then [`execute`]; `now`
    /// false when it waits for the ignition (`display.message`).
    Accepted {
        /// The `accepted` reply, unless the fault skips it.
        accepted: Option<Outgoing>,
        /// Execute after the reply delay (else at the next ignition-on).
        now: bool,
    },
}

/// The final reply of an execution and its effects.
#[derive(Debug, Clone, PartialEq)]
pub struct Executed {
    /// The final reply.
    pub reply: Outgoing,
    /// Features or keys changed: publish a `change` report.
    pub changed: bool,
    /// `state.query`: the report to publish (retained) as well.
    pub query_report: Option<StateReport>,
}

/// Builds a reply stamped with the vehicle clock.
pub fn reply(
    st: &VehicleState,
    id: &str,
    kind: &str,
    status: ReplyStatus,
    error: Option<CommandError>,
    result: Option<Value>,
) -> FleetReply {
    FleetReply {
        command_id: id.to_owned(),
        kind: kind.to_owned(),
        status,
        at: st.now(),
        error,
        result,
    }
}

/// A `rejected`/`failed` error body.
pub fn error(code: &str, message: &str, details: Value) -> CommandError {
    CommandError {
        code: code.to_owned(),
        message: message.to_owned(),
        details,
    }
}

/// Remembers `r` as the command's latest reply and wraps it for publishing.
pub(crate) fn remember(st: &mut VehicleState, r: FleetReply) -> Outgoing {
    let mut publish = true;
    if let Some(seen) = st.seen.get_mut(&r.command_id) {
        publish = !seen.drop_replies;
        if r.status.is_final() {
            seen.pending = None;
        }
        seen.latest_reply = Some(r.clone());
    }
    Outgoing { reply: r, publish }
}

fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Rules (1)–(3) for an incoming command payload.
pub fn intake(st: &mut VehicleState, payload: &[u8]) -> Received {
    let discard = Received {
        id: String::new(),
        kind: String::new(),
        intake: Intake::Discard,
    };
    let Ok(cmd) = serde_json::from_slice::<Value>(payload) else {
        return discard;
    };
    let Some(id) = cmd
        .get("command_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    else {
        return discard;
    };
    let id = id.to_owned();
    let kind = cmd
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if let Some(seen) = st.seen.get_mut(&id) {
        seen.repeats += 1;
        let intake = Intake::Replay(seen.latest_reply.clone());
        return Received {
            kind: seen.kind.clone(),
            id,
            intake,
        };
    }
    let intake = first_intake(st, &id, &kind, cmd);
    Received { id, kind, intake }
}

/// Rules (2) and (3) for a command seen for the first time.
fn first_intake(st: &mut VehicleState, id: &str, kind: &str, cmd: Value) -> Intake {
    let (id, kind) = (id.to_owned(), kind.to_owned());
    let drop_replies = st.faults.drop_replies_next > 0;
    if drop_replies {
        st.faults.drop_replies_next -= 1;
    }
    st.seen.insert(
        id.clone(),
        SeenCommand {
            kind: kind.clone(),
            received_at: Utc::now(),
            latest_reply: None,
            repeats: 0,
            pending: None,
            drop_replies,
        },
    );
    st.seen_order.push(id.clone());
    let reject = |st: &mut VehicleState, e: CommandError| {
        let r = reply(st, &id, &kind, ReplyStatus::Rejected, Some(e), None);
        Intake::Final(remember(st, r))
    };
    let issued = cmd.get("issued_at").and_then(parse_time);
    let Some(expires) = cmd.get("expires_at").and_then(parse_time) else {
        let e = error(
            "invalid_command",
            "expires_at missing or not a timestamp",
            json!({}),
        );
        return reject(st, e);
    };
    if st.now() > expires {
        let r = reply(st, &id, &kind, ReplyStatus::Expired, None, None);
        return Intake::Final(remember(st, r));
    }
    if issued.is_some_and(|i| expires <= i) {
        let e = error(
            "invalid_command",
            "expires_at must be after issued_at",
            json!({}),
        );
        return reject(st, e);
    }
    if let Some(code) = st.faults.take_reject(&kind) {
        return reject(st, injected(&code));
    }
    let params = cmd.get("params").cloned().unwrap_or(Value::Null);
    let action = match validate(st, &kind, &params) {
        Ok(a) => a,
        Err(e) => return reject(st, e),
    };
    let mut now = true;
    if let Action::Display(msg) = &action {
        if msg.display_until.is_some_and(|t| t <= st.now()) {
            let r = reply(st, &id, &kind, ReplyStatus::Expired, None, None);
            return Intake::Final(remember(st, r));
        }
        now = st.ignition_on;
        st.messages.push(DisplayMessage {
            command_id: id.clone(),
            ..msg.clone()
        });
    }
    if let Some(seen) = st.seen.get_mut(&id) {
        seen.pending = Some(cmd);
    }
    let accepted = (!st.faults.skip_accepted).then(|| {
        let r = reply(st, &id, &kind, ReplyStatus::Accepted, None, None);
        remember(st, r)
    });
    Intake::Accepted { accepted, now }
}

/// The error of an injected rejection.
fn injected(code: &str) -> CommandError {
    match code {
        "incompatible_state" => error(
            code,
            "Ignition must be off",
            json!({"required": "ignition_off"}),
        ),
        "vehicle_busy" => error(code, "Another configuration change is running", json!({})),
        "low_battery" => error(code, "Battery too low", json!({"soc_percent": 8})),
        _ => error(code, "Rejected by the simulator (injected)", json!({})),
    }
}

/// Performs a pending command; `None` if it has nothing pending or must
/// still wait for the ignition.
pub fn execute(st: &mut VehicleState, id: &str) -> Option<Executed> {
    let seen = st.seen.get(id)?;
    let cmd = seen.pending.clone()?;
    let kind = seen.kind.clone();
    let params = cmd.get("params").cloned().unwrap_or(Value::Null);
    let done = |st: &mut VehicleState, status, err, result, changed, query_report| {
        let r = reply(st, id, &kind, status, err, result);
        Some(Executed {
            reply: remember(st, r),
            changed,
            query_report,
        })
    };
    let action = match validate(st, &kind, &params) {
        Ok(a) => a,
        Err(e) => return done(st, ReplyStatus::Rejected, Some(e), None, false, None),
    };
    if let Action::Display(_) = action {
        let until = st
            .messages
            .iter()
            .find(|m| m.command_id == id)
            .and_then(|m| m.display_until);
        if until.is_some_and(|t| t <= st.now()) {
            set_message(st, id, "expired", None);
            return done(st, ReplyStatus::Expired, None, None, false, None);
        }
        if !st.ignition_on {
            return None;
        }
    }
    if st.faults.fail_next > 0 {
        st.faults.fail_next -= 1;
        let e = error(
            "hardware_fault",
            "Actuator did not respond; rolled back",
            json!({}),
        );
        if let Action::Display(_) = action {
            set_message(st, id, "failed", None);
        }
        return done(st, ReplyStatus::Failed, Some(e), None, false, None);
    }
    let (changed, result, report) = apply(st, id, action);
    done(st, ReplyStatus::Succeeded, None, result, changed, report)
}
