//! Operator views: jobs, the mail outbox, the audit log.

use crate::auth::audit;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::App;
use caas_domain::account::Account;
use caas_domain::audit::AuditEntry;
use caas_domain::ids::{EmailId, JobId};
use caas_domain::job::{Job, JobState};
use caas_domain::mail::OutboundEmail;

/// Jobs, newest first, optionally in one state.
pub async fn list_jobs(app: &App, state: Option<JobState>) -> AppResult<Vec<Job>> {
    Ok(app.store.read().await?.list_jobs(state, 200).await?)
}

/// Count of jobs per state.
pub async fn job_counts(app: &App) -> AppResult<Vec<(JobState, i64)>> {
    Ok(app.store.read().await?.count_jobs_by_state().await?)
}

/// Operator's "retry now" on a dead or waiting job.
pub async fn retry_job(
    app: &App,
    ctx: &RequestContext,
    admin: &Account,
    id: &JobId,
) -> AppResult<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    if !tx.retry_job_now(id, now).await? {
        return Err(match tx.find_job(id).await? {
            None => AppError::NotFound,
            Some(j) => AppError::Conflict(crate::refusal::Refusal::new(
                "job_not_retryable",
                format!(
                    "Un trabajo en estado {} no se puede reintentar.",
                    j.state.as_str()
                ),
                format!("A {} job cannot be retried.", j.state.as_str()),
            )),
        });
    }
    tx.append_audit(&audit(now, ctx, admin.id.to_string(), "job.retried").subject(id.to_string()))
        .await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(())
}

/// The mail outbox, newest first.
pub async fn list_emails(app: &App) -> AppResult<Vec<OutboundEmail>> {
    Ok(app.store.read().await?.list_emails(200).await?)
}

/// One outbox email.
pub async fn find_email(app: &App, id: &EmailId) -> AppResult<OutboundEmail> {
    app.store
        .read()
        .await?
        .find_email(id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Newest audit entries.
pub async fn list_audit(app: &App, subject: Option<&str>) -> AppResult<Vec<AuditEntry>> {
    Ok(app.store.read().await?.list_audit(subject, 300).await?)
}
