//! Page scaffolding shared by every web handler: the layout context, template
//! rendering, error pages.

use crate::extract::viewer::Viewer;
use crate::web::i18n::Msg;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use caas_domain::account::{Language, Role};
use chrono::{DateTime, Utc};

/// The logged-in user as the navigation shows them.
#[derive(Debug, Clone)]
pub struct NavUser {
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Role label.
    pub role: &'static str,
    /// Customer area link.
    pub is_customer: bool,
    /// Intranet link.
    pub is_staff: bool,
    /// Operations links.
    pub is_admin: bool,
    /// A role that works with vehicles and stock (SALES, DEALER_OPS, ADMIN).
    pub handles_vehicles: bool,
    /// Works the support queue (SUPPORT, ADMIN).
    pub handles_support: bool,
}

/// What the layout needs on every page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Messages in the viewer's language.
    pub m: &'static Msg,
    /// CSRF token for forms.
    pub csrf: String,
    /// Logged-in user.
    pub user: Option<NavUser>,
    /// Page title.
    pub title: String,
    /// Success notice shown above the content.
    pub notice: Option<String>,
    /// Path of this page (return target of the language switch).
    pub path: String,
}

impl Page {
    /// Layout context for `viewer`.
    pub fn new(viewer: &Viewer, title: &str, path: &str) -> Self {
        Self {
            m: Msg::for_lang(viewer.lang),
            csrf: viewer.csrf.clone(),
            user: viewer.account.as_ref().map(|a| NavUser {
                name: a.name.clone(),
                email: a.email.to_string(),
                role: a.role.as_str(),
                is_customer: a.role == Role::Customer,
                is_staff: a.role.is_staff(),
                is_admin: a.role == Role::Admin,
                handles_vehicles: matches!(a.role, Role::Sales | Role::DealerOps | Role::Admin),
                handles_support: caas_domain::staff_policy::handles_support(a.role),
            }),
            title: title.to_owned(),
            notice: None,
            path: path.to_owned(),
        }
    }

    /// Adds a success notice.
    pub fn with_notice(mut self, n: Option<&str>) -> Self {
        self.notice = n.map(str::to_owned);
        self
    }
}

/// Field errors of a submitted form.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    /// The message for `field`, or empty.
    pub fn get(&self, field: &str) -> &str {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .unwrap_or("")
    }

    /// Adds an error.
    pub fn add(&mut self, field: &str, msg: impl Into<String>) {
        self.0.push((field.to_owned(), msg.into()));
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Renders a template, or a plain 500 if rendering fails.
pub fn render<T: Template>(t: &T) -> Response {
    render_status(StatusCode::OK, t)
}

/// Renders a template with a status.
pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Formats a time for people.
pub fn when(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    p: Page,
    message: &'a str,
    status: u16,
}

/// A friendly error page (no session context: safe from any layer).
pub fn error_page(status: StatusCode, lang: Language, message: &str) -> Response {
    let m = Msg::for_lang(lang);
    let p = Page {
        m,
        csrf: String::new(),
        user: None,
        title: m.err_title.to_owned(),
        notice: None,
        path: "/".into(),
    };
    render_status(
        status,
        &ErrorPage {
            p,
            message,
            status: status.as_u16(),
        },
    )
}

/// The answer to a form post without a valid CSRF token.
pub fn csrf_refused(lang: Language, new_cookie: Option<&String>, secure: bool) -> Response {
    let mut resp = error_page(StatusCode::FORBIDDEN, lang, Msg::for_lang(lang).err_csrf);
    if let Some(token) = new_cookie {
        crate::web::cookies::append(&mut resp, crate::web::cookies::csrf_cookie(token, secure));
    }
    resp
}
