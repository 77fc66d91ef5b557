//! `/ops/mail`: the email outbox, readable (links clickable) when no SMTP
//! server is configured.

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, ADMIN};
use crate::state::AppState;
use crate::web::i18n::Msg;
use crate::web::render::{render, when, Page};
use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::get;
use caas_app::mail::templates::escape;
use caas_app::ops;
use caas_domain::ids::EmailId;

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/ops/mail",
            Surface::Web,
            Access::Roles(ADMIN),
            get(view_mail_get),
        ),
        def(
            Method::GET,
            "/ops/mail/{email_id}",
            Surface::Web,
            Access::Roles(ADMIN),
            get(view_mail_message_get),
        ),
    ]
}

struct MailRow {
    id: String,
    to: String,
    subject: String,
    template: String,
    state: &'static str,
    created: String,
}

#[derive(Template)]
#[template(path = "ops_mail.html")]
struct MailPage {
    p: Page,
    rows: Vec<MailRow>,
}

#[derive(Template)]
#[template(path = "ops_mail_message.html")]
struct MessagePage {
    p: Page,
    row: MailRow,
    body_html: String,
    last_error: String,
}

async fn view_mail_get(State(state): State<AppState>, user: WebUser) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let emails = ops::list_emails(&state.app).await?;
    let rows = emails
        .into_iter()
        .map(|e| MailRow {
            id: e.id.to_string(),
            to: e.to.to_string(),
            subject: e.subject,
            template: e.template,
            state: e.state.as_str(),
            created: when(&e.created_at),
        })
        .collect();
    Ok(render(&MailPage {
        p: Page::new(&user.viewer, m.mail_title, "/ops/mail"),
        rows,
    }))
}

async fn view_mail_message_get(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<EmailId>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let e = ops::find_email(&state.app, &id).await?;
    Ok(render(&MessagePage {
        p: Page::new(&user.viewer, m.mail_title, "/ops/mail"),
        body_html: linkify(&e.body_text),
        last_error: e.last_error.clone().unwrap_or_default(),
        row: MailRow {
            id: e.id.to_string(),
            to: e.to.to_string(),
            subject: e.subject,
            template: e.template,
            state: e.state.as_str(),
            created: when(&e.created_at),
        },
    }))
}

/// Escapes plain text and turns http(s) URLs into links.
pub fn linkify(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push_str("<br>\n");
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            if word.starts_with("http://") || word.starts_with("https://") {
                let w = escape(word);
                out.push_str(&format!("<a href=\"{w}\" class=\"mail-link\">{w}</a>"));
            } else {
                out.push_str(&escape(word));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_links_and_everything_else_is_escaped() {
        let html = linkify("Hola <b>\nLink: http://x/activate?token=a&b=1 ok");
        assert!(html.contains("Hola &lt;b&gt;"));
        assert!(html.contains("<a href=\"http://x/activate?token=a&amp;b=1\" class=\"mail-link\">"));
    }
}
