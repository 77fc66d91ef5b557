//! Email: templates in Spanish and English, the outbox, and delivery.

pub mod deliver;
pub mod outbox;
pub mod templates;
