//! `/ops/audit`: the newest entries of the append-only audit log.

use crate::error::WebError;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, ADMIN};
use crate::state::AppState;
use crate::web::i18n::Msg;
use crate::web::render::{render, when, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::Method;
use axum::response::Response;
use axum::routing::get;
use caas_app::ops;
use serde::Deserialize;

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    vec![def(
        Method::GET,
        "/ops/audit",
        Surface::Web,
        Access::Roles(ADMIN),
        get(view_audit_get),
    )]
}

struct AuditRow {
    at: String,
    actor: String,
    action: String,
    subject: String,
    details: String,
    request_id: String,
    ip: String,
}

#[derive(Template)]
#[template(path = "ops_audit.html")]
struct AuditPage {
    p: Page,
    rows: Vec<AuditRow>,
}

/// Filter by subject.
#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    subject: Option<String>,
}

async fn view_audit_get(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let entries =
        ops::list_audit(&state.app, q.subject.as_deref().filter(|s| !s.is_empty())).await?;
    Ok(render(&AuditPage {
        p: Page::new(&user.viewer, m.audit_title, "/ops/audit"),
        rows: entries
            .into_iter()
            .map(|e| AuditRow {
                at: when(&e.at),
                actor: e.actor,
                action: e.action,
                subject: e.subject.unwrap_or_default(),
                details: if e.details.is_null() {
                    String::new()
                } else {
                    e.details.to_string()
                },
                request_id: e.request_id.unwrap_or_default(),
                ip: e.ip.unwrap_or_default(),
            })
            .collect(),
    }))
}
