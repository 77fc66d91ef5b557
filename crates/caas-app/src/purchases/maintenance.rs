//! The maintenance verdict of one option for one car (MNT-3, MNT-8): no
//! dependency → not linked; otherwise VSS's status through the cache.

use crate::App;
use caas_domain::catalogue::{CatalogueOption, WhenVssUnreachable};
use caas_domain::purchase::eligibility::MaintenanceCheck;

/// The verdict for `option` on the car `vin`.
pub async fn check_option(app: &App, option: &CatalogueOption, vin: &str) -> MaintenanceCheck {
    let Some(dep) = &option.maintenance else {
        return MaintenanceCheck::NotLinked;
    };
    let _ = (app, vin);
    // VSS is not wired yet: behave as "unreachable with no copy".
    match dep.when_unreachable {
        WhenVssUnreachable::Refuse => MaintenanceCheck::TryLater,
        WhenVssUnreachable::Allow => MaintenanceCheck::Pass,
    }
}
