//! Request extractors.

pub mod viewer;
