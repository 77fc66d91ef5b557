//! The maintenance gate of an option (MNT-3, MNT-8, OP-7): every block the
//! option requires must be listed by VSS, not overdue, and at or above the
//! option's threshold. A block VSS does not list fails (closed); blocks the
//! option does not name are ignored, whatever their name. A cached copy is
//! judged like a fresh one; no data at VSS (404) means nothing is due; VSS
//! unreachable without a copy follows the option's policy.

use super::{BlockStatus, MaintenanceStatus, MaintenanceView};
use crate::catalogue::{MaintenanceDependency, WhenVssUnreachable};

/// One required block that is not current.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    /// The block.
    pub block: String,
    /// Its compliance, `None` when VSS did not list it.
    pub compliance_percent: Option<u8>,
    /// Its status, `None` when VSS did not list it.
    pub status: Option<BlockStatus>,
}

/// The gate's answer for one option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaintenanceGate {
    /// The option may be sold.
    Pass,
    /// Refused for these blocks (MNT-3: name them).
    Blocked {
        /// The blocks that are not current, in the option's order.
        shortfalls: Vec<Shortfall>,
    },
    /// Refused with "try again later" (VSS unreachable, option refuses then).
    TryLater,
}

/// Judges `view` against an option's maintenance dependency.
pub fn maintenance_gate(dep: &MaintenanceDependency, view: &MaintenanceView) -> MaintenanceGate {
    match view {
        MaintenanceView::Current(s) | MaintenanceView::Stale(s) => judge(dep, s),
        MaintenanceView::NoData => MaintenanceGate::Pass,
        MaintenanceView::Unreachable => match dep.when_unreachable {
            WhenVssUnreachable::Refuse => MaintenanceGate::TryLater,
            WhenVssUnreachable::Allow => MaintenanceGate::Pass,
        },
    }
}

fn judge(dep: &MaintenanceDependency, s: &MaintenanceStatus) -> MaintenanceGate {
    let shortfalls: Vec<Shortfall> = dep
        .blocks
        .iter()
        .filter_map(|name| match s.block(name) {
            Some(b)
                if b.status != BlockStatus::Overdue
                    && b.compliance_percent >= dep.threshold_percent =>
            {
                None
            }
            Some(b) => Some(Shortfall {
                block: name.clone(),
                compliance_percent: Some(b.compliance_percent),
                status: Some(b.status),
            }),
            None => Some(Shortfall {
                block: name.clone(),
                compliance_percent: None,
                status: None,
            }),
        })
        .collect();
    if shortfalls.is_empty() {
        MaintenanceGate::Pass
    } else {
        MaintenanceGate::Blocked { shortfalls }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::maintenance::BlockCompliance;
    use chrono::Utc;

    fn block(name: &str, percent: u8, status: BlockStatus) -> BlockCompliance {
        BlockCompliance {
            block: name.into(),
            compliance_percent: percent,
            status,
            last_service_date: None,
            next_due_date: None,
            next_due_odometer_km: None,
        }
    }

    fn status(blocks: Vec<BlockCompliance>) -> MaintenanceStatus {
        MaintenanceStatus {
            vin: "VSSZZZ5FZR6000123".into(),
            evaluated_at: None,
            retrieved_at: Utc::now(),
            plan_up_to_date: true,
            warranty_valid: true,
            warranty_void_reason: None,
            warranty_expires_on: None,
            blocks,
            visits: Vec::new(),
        }
    }

    fn dep(blocks: &[&str], threshold: u8, when: WhenVssUnreachable) -> MaintenanceDependency {
        MaintenanceDependency {
            blocks: blocks.iter().map(|b| (*b).to_owned()).collect(),
            threshold_percent: threshold,
            when_unreachable: when,
        }
    }

    fn refuse(blocks: &[&str], threshold: u8) -> MaintenanceDependency {
        dep(blocks, threshold, WhenVssUnreachable::Refuse)
    }

    fn short(block: &str, percent: Option<u8>, status: Option<BlockStatus>) -> Shortfall {
        Shortfall {
            block: block.into(),
            compliance_percent: percent,
            status,
        }
    }

    #[test]
    fn required_blocks_that_are_current_and_compliant_pass() {
        let s = status(vec![
            block("brakes", 100, BlockStatus::Ok),
            block("adas_sensors", 100, BlockStatus::DueSoon),
        ]);
        let d = refuse(&["brakes", "adas_sensors"], 100);
        assert_eq!(
            maintenance_gate(&d, &MaintenanceView::Current(s)),
            MaintenanceGate::Pass
        );
    }

    #[test]
    fn an_overdue_required_block_blocks_even_at_full_compliance() {
        let s = status(vec![block("battery", 100, BlockStatus::Overdue)]);
        assert_eq!(
            maintenance_gate(&refuse(&["battery"], 0), &MaintenanceView::Current(s)),
            MaintenanceGate::Blocked {
                shortfalls: vec![short("battery", Some(100), Some(BlockStatus::Overdue))]
            }
        );
    }

    #[test]
    fn compliance_below_the_threshold_blocks_and_at_the_threshold_passes() {
        let s = status(vec![block("brakes", 80, BlockStatus::Ok)]);
        let view = MaintenanceView::Current(s);
        assert_eq!(
            maintenance_gate(&refuse(&["brakes"], 81), &view),
            MaintenanceGate::Blocked {
                shortfalls: vec![short("brakes", Some(80), Some(BlockStatus::Ok))]
            }
        );
        assert_eq!(
            maintenance_gate(&refuse(&["brakes"], 80), &view),
            MaintenanceGate::Pass
        );
    }

    #[test]
    fn a_required_block_vss_does_not_list_fails_closed() {
        let s = status(vec![block("brakes", 100, BlockStatus::Ok)]);
        assert_eq!(
            maintenance_gate(
                &refuse(&["brakes", "lidar"], 100),
                &MaintenanceView::Current(s)
            ),
            MaintenanceGate::Blocked {
                shortfalls: vec![short("lidar", None, None)]
            }
        );
    }

    #[test]
    fn blocks_the_option_does_not_name_are_ignored_even_unknown_or_overdue() {
        let s = status(vec![
            block("brakes", 100, BlockStatus::Ok),
            block("battery", 10, BlockStatus::Overdue),
            block("quantum_drive", 0, BlockStatus::Overdue),
        ]);
        assert_eq!(
            maintenance_gate(&refuse(&["brakes"], 100), &MaintenanceView::Current(s)),
            MaintenanceGate::Pass
        );
    }

    #[test]
    fn a_stale_copy_is_judged_like_a_current_one() {
        let s = status(vec![block("hvac", 50, BlockStatus::Overdue)]);
        let d = dep(&["hvac"], 100, WhenVssUnreachable::Allow);
        assert_eq!(
            maintenance_gate(&d, &MaintenanceView::Stale(s)),
            MaintenanceGate::Blocked {
                shortfalls: vec![short("hvac", Some(50), Some(BlockStatus::Overdue))]
            }
        );
    }

    #[test]
    fn no_data_at_vss_means_nothing_is_due() {
        assert_eq!(
            maintenance_gate(&refuse(&["brakes"], 100), &MaintenanceView::NoData),
            MaintenanceGate::Pass
        );
    }

    #[test]
    fn unreachable_follows_the_options_policy() {
        let view = MaintenanceView::Unreachable;
        assert_eq!(
            maintenance_gate(&refuse(&["brakes"], 100), &view),
            MaintenanceGate::TryLater
        );
        let allow = dep(&["brakes"], 100, WhenVssUnreachable::Allow);
        assert_eq!(maintenance_gate(&allow, &view), MaintenanceGate::Pass);
    }
}
