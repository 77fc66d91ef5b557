//! Request extractors.

pub mod path_id;
pub mod viewer;
