//! `/preferences`: the notification matrix (events × email, push, display,
//! SMS) where the customer switches optional cells on or off; mandatory
//! cells are shown locked (NOTIF-7). Also the push subscriptions of the
//! customer's devices, each removable.

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use crate::web::forms::FormData;
use crate::web::i18n::Msg;
use crate::web::labels::notify;
use crate::web::render::{render_status, when, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use caas_app::notify::prefs::{list_preferences, list_push, set_preference, unsubscribe_push};
use caas_app::AppError;
use caas_domain::ids::PushSubscriptionId;
use caas_domain::notification::{Channel, NotificationKind, Requirement};
use serde::Deserialize;

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    let customer = Access::Roles(CUSTOMER);
    vec![
        def(
            Method::GET,
            "/preferences",
            Surface::Web,
            customer,
            get(view_preferences_get),
        ),
        def(
            Method::POST,
            "/preferences",
            Surface::Web,
            customer,
            post(save_preferences_post),
        ),
        def(
            Method::POST,
            "/preferences/push/{subscription_id}/remove",
            Surface::Web,
            customer,
            post(remove_push_post),
        ),
    ]
}

struct Cell {
    /// `kind.channel`.
    key: String,
    letter: &'static str,
    optional: bool,
    mandatory: bool,
    enabled: bool,
}

struct Row {
    label: &'static str,
    cells: Vec<Cell>,
}

struct PushRow {
    id: String,
    device: String,
    created: String,
}

#[derive(Template)]
#[template(path = "preferences.html")]
struct PreferencesPage {
    p: Page,
    channels: Vec<&'static str>,
    rows: Vec<Row>,
    push: Vec<PushRow>,
    error: String,
    vapid: String,
}

fn key(kind: NotificationKind, channel: Channel) -> String {
    format!("{}.{}", kind.as_str(), channel.as_str())
}

async fn page(
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    saved: bool,
    error: String,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let cells = list_preferences(&state.app, &user.account).await?;
    let rows = NotificationKind::ALL
        .iter()
        .map(|kind| Row {
            label: notify::notification_kind(*kind, lang),
            cells: cells
                .iter()
                .filter(|c| c.kind == *kind)
                .map(|c| Cell {
                    key: key(c.kind, c.channel),
                    letter: c.requirement.letter(),
                    optional: c.requirement == Requirement::Optional,
                    mandatory: c.requirement == Requirement::Mandatory,
                    enabled: c.enabled,
                })
                .collect(),
        })
        .collect();
    let push = list_push(&state.app, &user.account)
        .await?
        .into_iter()
        .map(|s| PushRow {
            id: s.id.to_string(),
            device: s.user_agent,
            created: when(&s.created_at),
        })
        .collect();
    let page = PreferencesPage {
        p: Page::new(&user.viewer, m.o.prefs_title, "/preferences")
            .with_notice(saved.then_some(m.saved)),
        channels: Channel::ALL
            .iter()
            .map(|c| notify::channel(*c, lang))
            .collect(),
        rows,
        push,
        error,
        vapid: state
            .app
            .partners
            .push
            .as_ref()
            .map(|p| p.vapid_public_key())
            .unwrap_or_default(),
    };
    Ok(render_status(status, &page))
}

/// Query of the page.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn view_preferences_get(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<SavedQuery>,
) -> Result<Response, WebError> {
    page(
        &state,
        &user,
        StatusCode::OK,
        q.saved.is_some(),
        String::new(),
    )
    .await
}

/// The cells the form showed (`cell`) and those left ticked (`on`); cells
/// the matrix does not make optional go first, so a refused one (a locked
/// cell switched off) stops the save before anything changes.
fn submitted(f: &FormData) -> Result<Vec<(NotificationKind, Channel, bool)>, AppError> {
    let on = f.all("on");
    let mut out = Vec::new();
    for cell in f.all("cell") {
        let (k, c) = cell.split_once('.').ok_or_else(|| AppError::Invalid {
            field: "cell".into(),
            message: format!("unknown cell {cell:?}"),
        })?;
        let kind = NotificationKind::parse(k)?;
        let channel = Channel::parse(c)?;
        let enabled = on.contains(&cell);
        // A locked cell left on changes nothing; switched off, it is refused.
        if enabled && kind.requirement(channel) != Requirement::Optional {
            continue;
        }
        out.push((kind, channel, enabled));
    }
    out.sort_by_key(|(k, c, _)| k.requirement(*c) == Requirement::Optional);
    Ok(out)
}

async fn save_preferences_post(
    State(state): State<AppState>,
    user: WebUser,
    f: FormData,
) -> Result<Response, WebError> {
    let run = async {
        for (kind, channel, enabled) in submitted(&f)? {
            set_preference(&state.app, &user.account, kind, channel, enabled).await?;
        }
        Ok(())
    };
    match run.await {
        Ok(()) => Ok(Redirect::to("/preferences?saved=1").into_response()),
        Err(AppError::Invalid { message, .. }) => {
            page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                message,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn remove_push_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<PushSubscriptionId>,
) -> Result<Response, WebError> {
    unsubscribe_push(&state.app, &user.account, &id).await?;
    Ok(Redirect::to("/preferences").into_response())
}
