//! Intranet stock and work queues (to be built).

use crate::routes::RouteDef;

/// Routes of these pages.
pub fn routes() -> Vec<RouteDef> {
    vec![]
}
