//! Intranet delivery actions on one order (to be built).

use crate::routes::RouteDef;

/// Routes of these pages.
pub fn routes() -> Vec<RouteDef> {
    vec![]
}
