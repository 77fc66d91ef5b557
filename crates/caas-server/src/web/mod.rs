//! Server-rendered pages (askama templates, checked at compile time). Every
//! page works without JavaScript; Spanish and English.

pub mod account;
pub mod activation;
pub mod card_form;
pub mod cookies;
pub mod customer;
pub mod forms;
pub mod home;
pub mod i18n;
pub mod intranet;
pub mod labels;
pub mod login;
pub mod ops;
pub mod order_view;
pub mod password;
pub mod render;
pub mod senal;
pub mod shared;
pub mod support;
pub mod timeline;

/// A redirect target is kept only if it is a local path (no open redirects).
pub fn safe_next(next: &str) -> Option<&str> {
    (next.starts_with('/') && !next.starts_with("//") && !next.contains('\\')).then_some(next)
}
