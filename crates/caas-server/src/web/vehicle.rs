//! Customer vehicle page and app linking (to be built).

use crate::routes::RouteDef;

/// Routes of these pages.
pub fn routes() -> Vec<RouteDef> {
    vec![]
}
