//! The maintenance section of an order page (MNT-7, EXP-2, EXP-4): VSS's
//! per-block compliance, the visit history and the warranty status as VSS
//! states it (shown as lost, with the reason, when VSS says it is not
//! valid), the data's retrieval time, a note when the copy is stale, and a
//! calm message when VSS is unreachable and no copy exists. Blocks this
//! release does not know are left out (the contract says ignore them).

use crate::web::i18n::maintenance::MaintenanceMsg;
use crate::web::i18n::Msg;
use crate::web::render::when;
use crate::web::timeline::day;
use caas_domain::account::Language;
use caas_domain::maintenance::{BlockStatus, MaintenanceView, Network};

/// One block row.
#[derive(Debug, Clone)]
pub struct BlockRow {
    /// Contract name, for ids.
    pub code: String,
    /// Name in the viewer's language.
    pub name: &'static str,
    /// Compliance, `"100 %"`.
    pub percent: String,
    /// Status label.
    pub status: &'static str,
    /// Status for styling (`ok`, `due_soon`, `overdue`).
    pub status_class: &'static str,
    /// Last service day, or `—`.
    pub last: String,
    /// Next due day and/or km, or `—`.
    pub next: String,
}

/// One visit row.
#[derive(Debug, Clone)]
pub struct VisitRow {
    /// Day.
    pub date: String,
    /// Workshop and locality.
    pub workshop: String,
    /// Network label.
    pub network: &'static str,
    /// Odometer, or `—`.
    pub odometer: String,
    /// Blocks covered, by name, and whether it was a plan service.
    pub blocks: String,
}

/// What the section shows.
#[derive(Debug, Clone, Default)]
pub struct MaintenanceSection {
    /// The car has a VIN: show the section at all.
    pub shown: bool,
    /// VSS unreachable and no copy: the calm message only.
    pub unavailable: bool,
    /// VSS has no record of the car.
    pub no_data: bool,
    /// A cached copy served during an outage.
    pub stale: bool,
    /// Retrieval time of the data.
    pub retrieved: String,
    /// No block overdue.
    pub plan_up_to_date: bool,
    /// Warranty in force.
    pub warranty_valid: bool,
    /// Warranty line (until when, or why it was lost).
    pub warranty: String,
    /// Blocks.
    pub blocks: Vec<BlockRow>,
    /// Visits, most recent first.
    pub visits: Vec<VisitRow>,
}

fn block_name(m: &MaintenanceMsg, block: &str) -> Option<&'static str> {
    Some(match block {
        "brakes" => m.b_brakes,
        "tyres" => m.b_tyres,
        "suspension_steering" => m.b_suspension_steering,
        "adas_sensors" => m.b_adas_sensors,
        "battery" => m.b_battery,
        "powertrain" => m.b_powertrain,
        "hvac" => m.b_hvac,
        "body_electrics" => m.b_body_electrics,
        _ => return None,
    })
}

fn status(m: &MaintenanceMsg, s: BlockStatus) -> (&'static str, &'static str) {
    let label = match s {
        BlockStatus::Ok => m.st_ok,
        BlockStatus::DueSoon => m.st_due_soon,
        BlockStatus::Overdue => m.st_overdue,
    };
    (label, s.as_str())
}

fn void_reason(m: &MaintenanceMsg, reason: Option<&str>) -> String {
    match reason {
        Some("maintenance_overdue") => m.why_maintenance_overdue.to_owned(),
        Some("unofficial_repair") => m.why_unofficial_repair.to_owned(),
        Some("expired") => m.why_expired.to_owned(),
        Some(other) => other.replace('_', " "),
        None => String::new(),
    }
}

/// The section for `view` (`None`: the car has no VIN yet).
pub fn maintenance_section(view: Option<&MaintenanceView>, lang: Language) -> MaintenanceSection {
    let m = Msg::for_lang(lang).mnt;
    let Some(view) = view else {
        return MaintenanceSection::default();
    };
    let shown = MaintenanceSection {
        shown: true,
        ..MaintenanceSection::default()
    };
    let s = match view {
        MaintenanceView::Unreachable => {
            return MaintenanceSection {
                unavailable: true,
                ..shown
            }
        }
        MaintenanceView::NoData => {
            return MaintenanceSection {
                no_data: true,
                ..shown
            }
        }
        MaintenanceView::Current(s) | MaintenanceView::Stale(s) => s,
    };
    let dash = || "—".to_owned();
    let blocks = s
        .blocks
        .iter()
        .filter_map(|b| {
            let name = block_name(m, &b.block)?;
            let (status, status_class) = status(m, b.status);
            let next: Vec<String> = [
                b.next_due_date.map(|d| day(d, lang)),
                b.next_due_odometer_km.map(|km| format!("{km} km")),
            ]
            .into_iter()
            .flatten()
            .collect();
            Some(BlockRow {
                code: b.block.clone(),
                name,
                percent: format!("{} %", b.compliance_percent),
                status,
                status_class,
                last: b.last_service_date.map_or_else(dash, |d| day(d, lang)),
                next: Some(next.join(" · "))
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(dash),
            })
        })
        .collect();
    let visits = s
        .visits
        .iter()
        .map(|v| {
            let mut names: Vec<&str> = v.blocks.iter().filter_map(|b| block_name(m, b)).collect();
            if v.plan_service {
                names.push(m.plan_service);
            }
            VisitRow {
                date: v.date.map_or_else(dash, |d| day(d, lang)),
                workshop: [v.workshop_name.as_str(), v.locality.as_str()]
                    .iter()
                    .filter(|x| !x.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
                network: match v.network {
                    Some(Network::Official) => m.net_official,
                    Some(Network::Approved) => m.net_approved,
                    None => m.net_other,
                },
                odometer: v.odometer_km.map_or_else(dash, |k| k.to_string()),
                blocks: names.join(", "),
            }
        })
        .collect();
    let warranty = if s.warranty_valid {
        let until = s
            .warranty_expires_on
            .map(|d| format!(" {} {}", m.warranty_until, day(d, lang)));
        format!("{}{}", m.warranty_valid, until.unwrap_or_default())
    } else {
        let why = void_reason(m, s.warranty_void_reason.as_deref());
        if why.is_empty() {
            m.warranty_lost.to_owned()
        } else {
            format!("{}: {why}", m.warranty_lost)
        }
    };
    MaintenanceSection {
        stale: matches!(view, MaintenanceView::Stale(_)),
        retrieved: when(&s.retrieved_at),
        plan_up_to_date: s.plan_up_to_date,
        warranty_valid: s.warranty_valid,
        warranty,
        blocks,
        visits,
        ..shown
    }
}
