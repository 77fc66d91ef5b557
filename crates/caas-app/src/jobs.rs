//! The typed jobs of caas and their dispatcher.

use crate::App;
use async_trait::async_trait;
use caas_domain::ids::{EmailId, JobId};
use caas_domain::job::{Job, NewJob};
use caas_jobs::JobHandler;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Every job type. Stored as `kind` plus JSON `payload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum AppJob {
    /// Deliver an outbox email.
    SendEmail {
        /// The email.
        email_id: EmailId,
    },
}

impl AppJob {
    /// Builds the row to enqueue, due at `run_at`.
    pub fn to_new_job(&self, run_at: DateTime<Utc>, max_attempts: i32) -> anyhow::Result<NewJob> {
        let v = serde_json::to_value(self)?;
        let kind = v
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or_default()
            .to_owned();
        let payload = v.get("payload").cloned().unwrap_or(serde_json::Value::Null);
        Ok(NewJob {
            id: JobId::new(),
            kind,
            payload,
            run_at,
            max_attempts,
        })
    }

    /// Reads a stored job back.
    pub fn from_job(job: &Job) -> anyhow::Result<Self> {
        Ok(serde_json::from_value(
            serde_json::json!({"kind": job.kind, "payload": job.payload}),
        )?)
    }
}

/// Runs [`AppJob`]s against the use cases.
pub struct AppJobHandler {
    app: App,
}

impl AppJobHandler {
    /// A handler over `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

#[async_trait]
impl JobHandler for AppJobHandler {
    async fn run(&self, job: &Job) -> anyhow::Result<()> {
        match AppJob::from_job(job)? {
            AppJob::SendEmail { email_id } => {
                crate::mail::deliver::deliver_email(&self.app, &email_id).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_round_trips_through_kind_and_payload() {
        let j = AppJob::SendEmail {
            email_id: EmailId::new(),
        };
        let row = j.to_new_job(Utc::now(), 3).unwrap();
        assert_eq!(row.kind, "send_email");
        let stored = Job {
            id: row.id,
            kind: row.kind,
            payload: row.payload,
            state: caas_domain::job::JobState::Queued,
            attempts: 0,
            max_attempts: 3,
            run_at: row.run_at,
            locked_until: None,
            lock_token: None,
            last_error: None,
            created_at: row.run_at,
            updated_at: row.run_at,
        };
        assert_eq!(AppJob::from_job(&stored).unwrap(), j);
    }
}
