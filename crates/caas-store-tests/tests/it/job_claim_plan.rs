//! Store conformance: claiming a job reads one entry of an index in claim
//! order, whatever the number of due jobs. With 50 000 due jobs the claim
//! statement's plan (EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite)
//! uses the two partial indexes and sorts nothing, and claims come out in
//! index order: expired leases first (oldest first), then queued jobs by
//! (run_at, id).

use crate::fixtures::*;
use caas_domain::ids::JobId;
use caas_domain::job::NewJob;
use caas_domain::ports::*;
use caas_store_tests::fresh_store;
use chrono::{DateTime, Duration, Utc};

const DUE: usize = 50_000;

async fn enqueue_due(store: &dyn Store, n: usize, first: DateTime<Utc>) -> Vec<JobId> {
    let mut ids = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        let mut tx = store.begin().await.unwrap();
        for _ in 0..2_000.min(n - i) {
            let job = NewJob {
                id: JobId::new(),
                kind: "test.noop".into(),
                payload: serde_json::json!({}),
                // Two jobs share each due time, so the id breaks the tie.
                run_at: first + Duration::milliseconds((i / 2) as i64),
                max_attempts: 3,
                dedupe_key: None,
            };
            tx.enqueue_job(&job, first).await.unwrap();
            ids.push(job.id);
            i += 1;
        }
        tx.commit().await.unwrap();
    }
    ids
}

/// Node types and index names of a PostgreSQL JSON plan, depth first.
fn pg_nodes(plan: &serde_json::Value, out: &mut Vec<(String, String)>) {
    if let Some(t) = plan.get("Node Type").and_then(|v| v.as_str()) {
        let index = plan
            .get("Index Name")
            .and_then(|v| v.as_str())
            .unwrap_or("");
        out.push((t.to_owned(), index.to_owned()));
    }
    for child in plan
        .get("Plans")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
    {
        pg_nodes(child, out);
    }
}

async fn claim_plan(url: &str, now: DateTime<Utc>) -> Vec<String> {
    let token = "plan-token";
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        // No ANALYZE: the plan must not depend on fresh statistics.
        let sql = format!(
            "EXPLAIN (FORMAT JSON) {}",
            caas_store_sql::claim_job_sql(caas_store_sql::POSTGRES_CLAIM)
        );
        let (plan,): (serde_json::Value,) = sqlx::query_as(&sql)
            .bind(now)
            .bind(now + Duration::seconds(30))
            .bind(token)
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        let mut nodes = Vec::new();
        pg_nodes(&plan[0]["Plan"], &mut nodes);
        nodes.into_iter().map(|(t, i)| format!("{t} {i}")).collect()
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        let sql = format!(
            "EXPLAIN QUERY PLAN {}",
            caas_store_sql::claim_job_sql(caas_store_sql::SQLITE_CLAIM)
        );
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&sql)
            .bind(now)
            .bind(now + Duration::seconds(30))
            .bind(token)
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
        rows.into_iter().map(|r| r.3).collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_fifty_thousand_due_jobs_a_claim_reads_two_indexes_in_order_and_sorts_nothing() {
    let db = fresh_store().await.unwrap();
    let store = &*db.store;
    let t0 = start_time() - Duration::hours(2);
    let ids = enqueue_due(store, DUE, t0).await;
    // Three jobs claimed with a short lease, which has expired by `now`.
    let mut leased = Vec::new();
    for _ in 0..3 {
        let j = store
            .claim_job(t0 + Duration::hours(1), Duration::seconds(1))
            .await
            .unwrap()
            .unwrap();
        leased.push(j.id);
    }
    assert_eq!(
        leased,
        ids[..3].to_vec(),
        "queued jobs are claimed by (run_at, id)"
    );
    let now = t0 + Duration::hours(2);

    let plan = claim_plan(&db.url, now).await;
    let text = plan.join("\n");
    assert!(
        text.contains("jobs_queued"),
        "the due set is read through jobs_queued:\n{text}"
    );
    assert!(
        text.contains("jobs_running"),
        "expired leases through jobs_running:\n{text}"
    );
    assert!(
        !text.to_uppercase().contains("SORT"),
        "nothing is sorted:\n{text}"
    );
    assert!(
        !text.contains("TEMP B-TREE"),
        "no temporary b-tree for the order:\n{text}"
    );
    assert!(
        !text.contains("Seq Scan") && !text.contains("SCAN jobs\n") && !text.ends_with("SCAN jobs"),
        "no full scan of jobs:\n{text}"
    );

    // Expired leases first, oldest first; then the queue in index order.
    let mut claimed = Vec::new();
    for _ in 0..20 {
        claimed.push(
            store
                .claim_job(now, Duration::seconds(30))
                .await
                .unwrap()
                .unwrap()
                .id,
        );
    }
    let mut expected = leased.clone();
    expected.extend(ids[3..20].iter().cloned());
    assert_eq!(claimed, expected);
}
