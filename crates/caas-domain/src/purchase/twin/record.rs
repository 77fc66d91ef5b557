//! A correction as it is recorded (the car's corrections log, shown to
//! support): written before its command is published, so a republication
//! is the same command, and closed by the car's final reply.

use super::CorrectionAction;
use crate::fleet::{CommandStamp, FleetCommand, OptionFeature, ReplyStatus};
use crate::ids::{CorrectionId, VehicleId};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// Where a correction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrectionStatus {
    /// Recorded; published or about to be, no final reply yet.
    Pending,
    /// The car did it.
    Succeeded,
    /// The car refused (`error_code` says why).
    Rejected,
    /// The car tried and rolled back.
    Failed,
    /// Reached the car after `expires_at`.
    Expired,
    /// No longer called for (a purchase started, or the car changed) before
    /// a final reply: not published again.
    Superseded,
}

impl CorrectionStatus {
    /// Every status (the store's CHECK lists the same names).
    pub const ALL: [Self; 6] = [
        Self::Pending,
        Self::Succeeded,
        Self::Rejected,
        Self::Failed,
        Self::Expired,
        Self::Superseded,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Rejected => "rejected",
            Self::Failed => "failed",
            Self::Expired => "expired",
            Self::Superseded => "superseded",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The status a final reply leaves.
    pub fn from_reply(status: ReplyStatus) -> Self {
        match status {
            ReplyStatus::Accepted => Self::Pending,
            ReplyStatus::Succeeded => Self::Succeeded,
            ReplyStatus::Rejected => Self::Rejected,
            ReplyStatus::Failed => Self::Failed,
            ReplyStatus::Expired => Self::Expired,
        }
    }
}

/// One correction sent to a car.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionRecord {
    /// Identifier.
    pub id: CorrectionId,
    /// The car.
    pub vehicle_id: VehicleId,
    /// Its VIN.
    pub vin: String,
    /// The feature corrected.
    pub feature_code: String,
    /// Which way.
    pub action: CorrectionAction,
    /// For an enable: the self-expiry sent.
    pub valid_until: Option<DateTime<Utc>>,
    /// For an enable: the config sent.
    pub config: Option<Map<String, Value>>,
    /// The command (`cmd_…`), the same on every publication.
    pub command_id: String,
    /// Its `issued_at`.
    pub issued_at: DateTime<Utc>,
    /// Its `expires_at`.
    pub expires_at: DateTime<Utc>,
    /// The report `seq` that showed the drift.
    pub seq_at_issue: i64,
    /// Times published.
    pub publishes: u32,
    /// Status.
    pub status: CorrectionStatus,
    /// `error.code` of a refusal.
    pub error_code: Option<String>,
    /// Recorded at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl CorrectionRecord {
    /// A new correction of `c` for the car, seen in report `seq`.
    pub fn new(
        c: &super::Correction,
        vehicle_id: &VehicleId,
        vin: &str,
        seq: i64,
        stamp: &CommandStamp,
    ) -> Self {
        Self {
            id: CorrectionId::new(),
            vehicle_id: vehicle_id.clone(),
            vin: vin.to_owned(),
            feature_code: c.feature.code().to_owned(),
            action: c.action,
            valid_until: c.valid_until,
            config: c.config.clone(),
            command_id: stamp.command_id().to_owned(),
            issued_at: stamp.issued_at(),
            expires_at: stamp.expires_at(),
            seq_at_issue: seq,
            publishes: 0,
            status: CorrectionStatus::Pending,
            error_code: None,
            created_at: stamp.issued_at(),
            updated_at: stamp.issued_at(),
        }
    }

    /// The command, always the same payload for the same record; `feature`
    /// must be the record's (checked by the caller against the catalogue).
    pub fn command(&self, feature: &OptionFeature) -> FleetCommand {
        let stamp = CommandStamp::recorded(&self.command_id, self.issued_at, self.expires_at);
        match self.action {
            CorrectionAction::Enable => {
                FleetCommand::enable(feature, self.valid_until, self.config.as_ref(), stamp)
            }
            CorrectionAction::Disable => FleetCommand::disable(feature, stamp),
        }
    }
}
