//! `/ops/jobs`: job states, attempts, last errors, and "retry now".

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, ADMIN};
use crate::state::AppState;
use crate::web::i18n::Msg;
use crate::web::render::{render, when, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use caas_app::ops;
use caas_domain::ids::JobId;
use caas_domain::job::JobState;
use serde::Deserialize;

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/ops/jobs",
            Surface::Web,
            Access::Roles(ADMIN),
            get(view_jobs_get),
        ),
        def(
            Method::POST,
            "/ops/jobs/{job_id}/retry",
            Surface::Web,
            Access::Roles(ADMIN),
            post(retry_job_post),
        ),
    ]
}

struct JobRow {
    id: String,
    kind: String,
    state: &'static str,
    attempts: String,
    run_at: String,
    last_error: String,
    retryable: bool,
}

#[derive(Template)]
#[template(path = "ops_jobs.html")]
struct JobsPage {
    p: Page,
    counts: Vec<(&'static str, i64)>,
    selected: String,
    rows: Vec<JobRow>,
}

/// Filter of the jobs page.
#[derive(Debug, Deserialize)]
pub struct JobsQuery {
    state: Option<String>,
}

async fn view_jobs_get(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<JobsQuery>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let filter = q.state.as_deref().and_then(JobState::parse);
    let counts = ops::job_counts(&state.app).await?;
    let jobs = ops::list_jobs(&state.app, filter).await?;
    let rows = jobs
        .into_iter()
        .map(|j| JobRow {
            id: j.id.to_string(),
            kind: j.kind,
            state: j.state.as_str(),
            attempts: format!("{}/{}", j.attempts, j.max_attempts),
            run_at: when(&j.run_at),
            last_error: j.last_error.unwrap_or_default(),
            retryable: matches!(j.state, JobState::Dead | JobState::Queued),
        })
        .collect();
    Ok(render(&JobsPage {
        p: Page::new(&user.viewer, m.jobs_title, "/ops/jobs"),
        counts: counts.into_iter().map(|(s, n)| (s.as_str(), n)).collect(),
        selected: filter.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        rows,
    }))
}

async fn retry_job_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<JobId>,
) -> Result<Response, WebError> {
    ops::retry_job(&state.app, &user.viewer.ctx, &user.account, &id).await?;
    Ok(Redirect::to("/ops/jobs").into_response())
}
