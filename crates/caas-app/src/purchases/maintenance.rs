//! The maintenance verdict of one option for one car (MNT-3, MNT-8): no
//! dependency → not linked; otherwise VSS's status through the durable
//! cache (`caas_app::maintenance`) judged by the domain's gate. Only the
//! option that depends on it is affected (MNT-4).

use crate::App;
use caas_domain::catalogue::CatalogueOption;
use caas_domain::maintenance::{maintenance_gate, MaintenanceGate, MaintenanceView};
use caas_domain::purchase::eligibility::MaintenanceCheck;

/// The verdict for `option` on the car `vin`.
pub async fn check_option(app: &App, option: &CatalogueOption, vin: &str) -> MaintenanceCheck {
    let Some(dep) = &option.maintenance else {
        return MaintenanceCheck::NotLinked;
    };
    let view = match crate::maintenance::maintenance_view(app, vin).await {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(vin, error = %e, "maintenance status unavailable");
            MaintenanceView::Unreachable
        }
    };
    match maintenance_gate(dep, &view) {
        MaintenanceGate::Pass => MaintenanceCheck::Pass,
        MaintenanceGate::Blocked { shortfalls } => MaintenanceCheck::Blocked {
            blocks: shortfalls.into_iter().map(|s| s.block).collect(),
        },
        MaintenanceGate::TryLater => MaintenanceCheck::TryLater,
    }
}
