//! Store conformance: the start-up check for documents older than this
//! release reads one entry of each table's `doc_version` index, so a start
//! with nothing to upgrade scans no table however large it is.

use caas_store_sql::versions::{any_stale_sql, DOCUMENT_TABLES};
use caas_store_tests::fresh_store;
use sqlx::Connection as _;

#[tokio::test]
async fn the_stale_document_check_of_every_table_is_an_index_probe() {
    let db = fresh_store().await.unwrap();
    for t in DOCUMENT_TABLES {
        let index = format!("{}_doc_version", t.table);
        let plan = if db.url.starts_with("postgres") {
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            // The tables are empty: without this the planner rightly prefers
            // a scan of nothing; the point is that the index can serve it.
            sqlx::query("SET enable_seqscan = off")
                .execute(&mut c)
                .await
                .unwrap();
            let (plan,): (serde_json::Value,) =
                sqlx::query_as(&format!("EXPLAIN (FORMAT JSON) {}", any_stale_sql(t)))
                    .bind(t.current)
                    .fetch_one(&mut c)
                    .await
                    .unwrap();
            plan.to_string()
        } else {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            let rows: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {}", any_stale_sql(t)))
                    .bind(t.current)
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; ")
        };
        assert!(
            plan.contains(&index) && !plan.contains("SCAN ") && !plan.contains("Seq Scan"),
            "{}: {plan}",
            t.table
        );
    }
}
