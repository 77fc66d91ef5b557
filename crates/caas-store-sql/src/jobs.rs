//! SQL for enqueueing jobs several rows at a time, with coalescing by dedupe
//! key (see the `jobs_waiting_dedupe` index).

use caas_domain::job::NewJob;

/// Rows per `INSERT` (7 parameters each, well under SQLite's limit).
pub const MAX_ROWS: usize = 200;

/// `INSERT … VALUES` for `rows` jobs: `$7k+1 … $7k+7` are id, kind, payload,
/// max attempts, due time, now and dedupe key. A row whose key matches a
/// waiting, unattempted job merges into it, keeping the earlier due time.
pub fn enqueue_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO jobs (id, kind, payload, state, attempts, max_attempts, run_at, created_at, updated_at, dedupe_key) VALUES ",
    );
    for r in 0..rows {
        let b = r * 7;
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, 'queued', 0, ${}, ${}, ${}, ${}, ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6,
            b + 6,
            b + 7
        ));
    }
    sql.push_str(
        " ON CONFLICT (dedupe_key) WHERE state = 'queued' AND attempts = 0 AND dedupe_key IS NOT NULL \
         DO UPDATE SET run_at = CASE WHEN excluded.run_at < jobs.run_at THEN excluded.run_at ELSE jobs.run_at END, \
         updated_at = excluded.updated_at",
    );
    sql
}

/// `jobs` with rows of one dedupe key merged (earliest due time), in order:
/// one statement may not touch the same waiting row twice.
pub fn merged(jobs: &[NewJob]) -> Vec<NewJob> {
    let mut out: Vec<NewJob> = Vec::with_capacity(jobs.len());
    for j in jobs {
        let same = j
            .dedupe_key
            .as_ref()
            .and_then(|k| out.iter_mut().find(|o| o.dedupe_key.as_ref() == Some(k)));
        match same {
            Some(o) => {
                if j.run_at < o.run_at {
                    o.run_at = j.run_at;
                }
            }
            None => out.push(j.clone()),
        }
    }
    out
}
