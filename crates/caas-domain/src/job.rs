//! Durable jobs: states, records and the retry schedule (pure).

use crate::ids::JobId;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for `run_at`.
    Queued,
    /// Claimed by a worker holding a lease.
    Running,
    /// Finished successfully.
    Succeeded,
    /// Out of attempts; needs an operator.
    Dead,
}

impl JobState {
    /// All states, in display order.
    pub const ALL: [JobState; 4] = [
        JobState::Queued,
        JobState::Running,
        JobState::Succeeded,
        JobState::Dead,
    ];

    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Dead => "dead",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Option<Self> {
        JobState::ALL.into_iter().find(|j| j.as_str() == s)
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// Identifier chosen by the caller.
    pub id: JobId,
    /// Job type name (see `caas_app::jobs`).
    pub kind: String,
    /// JSON payload.
    pub payload: serde_json::Value,
    /// Earliest time to run.
    pub run_at: DateTime<Utc>,
    /// Attempts before the job is declared dead.
    pub max_attempts: i32,
    /// Jobs with the same key merge while the first still waits unattempted
    /// (the earlier due time wins); `None` never merges.
    pub dedupe_key: Option<String>,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    /// Identifier.
    pub id: JobId,
    /// Job type name.
    pub kind: String,
    /// JSON payload.
    pub payload: serde_json::Value,
    /// State.
    pub state: JobState,
    /// Attempts started so far.
    pub attempts: i32,
    /// Attempt limit.
    pub max_attempts: i32,
    /// Next time it may run (queued) or was scheduled for.
    pub run_at: DateTime<Utc>,
    /// Lease expiry while running.
    pub locked_until: Option<DateTime<Utc>>,
    /// Fencing token of the current claim.
    #[serde(skip)]
    pub lock_token: Option<String>,
    /// Last failure message.
    pub last_error: Option<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// Retry policy: exponential backoff with jitter, capped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Delay after the first failure.
    pub base: Duration,
    /// Upper bound of any delay.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::seconds(2),
            cap: Duration::minutes(30),
        }
    }
}

impl Backoff {
    /// Delay before attempt `attempt + 1`, after `attempt` failures (1-based).
    /// `jitter` in `[0, 1)` spreads retries by ±20 %.
    pub fn delay(&self, attempt: i32, jitter: f64) -> Duration {
        let exp = attempt.clamp(1, 30) - 1;
        let raw = self
            .base
            .num_milliseconds()
            .saturating_mul(1_i64 << exp.min(40));
        let capped = raw.min(self.cap.num_milliseconds()).max(0);
        let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
        Duration::milliseconds((capped as f64 * factor) as i64)
    }
}

/// Outcome of a failed attempt: retry at a time, or dead.
pub fn after_failure(
    attempts: i32,
    max_attempts: i32,
    now: DateTime<Utc>,
    backoff: Backoff,
    jitter: f64,
) -> Option<DateTime<Utc>> {
    (attempts < max_attempts).then(|| now + backoff.delay(attempts, jitter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let b = Backoff {
            base: Duration::seconds(1),
            cap: Duration::seconds(60),
        };
        assert_eq!(b.delay(1, 0.5), Duration::seconds(1));
        assert_eq!(b.delay(2, 0.5), Duration::seconds(2));
        assert_eq!(b.delay(4, 0.5), Duration::seconds(8));
        assert_eq!(b.delay(20, 0.5), Duration::seconds(60));
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        let b = Backoff::default();
        let lo = b.delay(3, 0.0).num_milliseconds();
        let hi = b.delay(3, 0.999).num_milliseconds();
        assert_eq!(lo, 6400);
        assert!((9590..=9600).contains(&hi), "{hi}");
    }

    #[test]
    fn the_last_attempt_leads_to_dead() {
        let now = Utc::now();
        assert!(after_failure(2, 3, now, Backoff::default(), 0.5).is_some());
        assert!(after_failure(3, 3, now, Backoff::default(), 0.5).is_none());
    }
}
