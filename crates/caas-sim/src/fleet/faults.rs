//! Injected faults of one simulated vehicle: rejections, hardware faults,
//! missing/late/duplicate/reordered replies, clock skew.

use caas_domain::fleet::HealthState;
use serde::{Deserialize, Serialize};

/// One injected rejection rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectRule {
    /// Error code (`vehicle_busy`, `low_battery`, `incompatible_state`…).
    pub code: String,
    /// How many commands it rejects.
    #[serde(default = "one")]
    pub count: u32,
    /// Only commands of these types (all when absent).
    #[serde(default)]
    pub types: Option<Vec<String>>,
}

fn one() -> u32 {
    1
}

/// Injected faults of one vehicle (see the crate README).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    /// Rejections for the next matching commands.
    pub reject_next: Vec<RejectRule>,
    /// The next N executions fail with `hardware_fault` (rolled back).
    pub fail_next: u32,
    /// Never send `accepted`.
    pub skip_accepted: bool,
    /// The next N new commands are executed but none of their replies is published.
    pub drop_replies_next: u32,
    /// Publish every reply twice.
    pub duplicate_replies: bool,
    /// Publish a command's final reply before its `accepted`.
    pub reorder_replies: bool,
    /// Delay before a final reply instead of the configured reply delay.
    pub final_delay_ms: Option<u64>,
    /// The vehicle's clock runs this far ahead of real time (negative: behind).
    pub clock_skew_secs: i64,
}

impl Faults {
    /// Consumes a matching rejection rule, returning its code.
    pub fn take_reject(&mut self, kind: &str) -> Option<String> {
        let pos = self.reject_next.iter().position(|r| {
            r.count > 0 && r.types.as_ref().is_none_or(|t| t.iter().any(|x| x == kind))
        })?;
        let rule = &mut self.reject_next[pos];
        rule.count -= 1;
        let code = rule.code.clone();
        if rule.count == 0 {
            self.reject_next.remove(pos);
        }
        Some(code)
    }
}

/// Partial update of a vehicle's faults (`POST /_sim/vehicles/{vin}/faults`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultsPatch {
    /// Replaces the rejection rules.
    pub reject_next: Option<Vec<RejectRule>>,
    /// Next N executions fail with `hardware_fault`.
    pub fail_next: Option<u32>,
    /// Never send `accepted`.
    pub skip_accepted: Option<bool>,
    /// Next N new commands get no published reply.
    pub drop_replies_next: Option<u32>,
    /// Publish every reply twice.
    pub duplicate_replies: Option<bool>,
    /// Publish a command's final reply before its `accepted`.
    pub reorder_replies: Option<bool>,
    /// Delay of final replies (0 = back to the configured reply delay).
    pub final_delay_ms: Option<u64>,
    /// Vehicle clock skew in seconds.
    pub clock_skew_secs: Option<i64>,
    /// `on` or `off`.
    pub ignition: Option<String>,
    /// Health block to report.
    pub health: Option<HealthState>,
}

impl Faults {
    /// Applies the fault fields of a patch (ignition and health are actions,
    /// applied by the caller).
    pub fn apply(&mut self, p: &FaultsPatch) {
        if let Some(r) = &p.reject_next {
            self.reject_next = r.clone();
        }
        self.fail_next = p.fail_next.unwrap_or(self.fail_next);
        self.skip_accepted = p.skip_accepted.unwrap_or(self.skip_accepted);
        self.drop_replies_next = p.drop_replies_next.unwrap_or(self.drop_replies_next);
        self.duplicate_replies = p.duplicate_replies.unwrap_or(self.duplicate_replies);
        self.reorder_replies = p.reorder_replies.unwrap_or(self.reorder_replies);
        if let Some(ms) = p.final_delay_ms {
            self.final_delay_ms = (ms > 0).then_some(ms);
        }
        self.clock_skew_secs = p.clock_skew_secs.unwrap_or(self.clock_skew_secs);
    }
}
