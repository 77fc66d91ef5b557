//! Store conformance: the VSS cache keeps one answer per VIN and endpoint,
//! an upsert replaces it (validator, body, retrieval time, max-age), other
//! VINs are untouched, and the database refuses an unknown endpoint.

use caas_domain::clock::Clock;
use caas_domain::ports::{VssCacheEntry, VssEndpoint};
use caas_store_tests::{fresh_store, TestClock};
use chrono::Duration;
use serde_json::json;

fn entry(vin: &str, endpoint: VssEndpoint, etag: &str, clock: &TestClock) -> VssCacheEntry {
    VssCacheEntry {
        vin: vin.to_owned(),
        endpoint,
        etag: Some(etag.to_owned()),
        body: json!({"vin": vin, "blocks": [{"block": "brakes", "compliance_percent": 100}]}),
        retrieved_at: clock.now(),
        max_age_secs: 900,
    }
}

#[tokio::test]
async fn the_cache_keeps_one_answer_per_vin_and_endpoint_and_an_upsert_replaces_it() {
    let db = fresh_store().await.unwrap();
    let clock = TestClock::new();
    let vin = "VSSZZZ5FZR6000123";
    let compliance = entry(vin, VssEndpoint::Compliance, "\"c1\"", &clock);
    let record = entry(vin, VssEndpoint::MaintenanceRecord, "\"r1\"", &clock);
    let other = entry(
        "VSSZZZ5FZR6000999",
        VssEndpoint::Compliance,
        "\"o1\"",
        &clock,
    );
    let mut tx = db.store.begin().await.unwrap();
    for e in [&compliance, &record, &other] {
        tx.put_vss_cache(e).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = db.store.single_read().await.unwrap();
    let mut found = tx.list_vss_cache(vin).await.unwrap();
    drop(tx);
    found.sort_by_key(|e| e.endpoint.as_str());
    assert_eq!(found, vec![compliance.clone(), record.clone()]);

    clock.advance(Duration::seconds(901));
    let replaced = VssCacheEntry {
        etag: None,
        body: json!({"vin": vin, "blocks": []}),
        retrieved_at: clock.now(),
        max_age_secs: 60,
        ..compliance.clone()
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.put_vss_cache(&replaced).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.store.read().await.unwrap();
    let mut found = tx.list_vss_cache(vin).await.unwrap();
    found.sort_by_key(|e| e.endpoint.as_str());
    assert_eq!(found, vec![replaced, record]);
    assert_eq!(
        tx.list_vss_cache("VSSZZZ5FZR6000999").await.unwrap(),
        vec![other]
    );
    assert!(tx
        .list_vss_cache("VSSZZZ5FZR6000000")
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn the_database_refuses_an_unknown_endpoint() {
    let db = fresh_store().await.unwrap();
    let sql = "INSERT INTO vss_cache (vin, endpoint, etag, body, retrieved_at, max_age_secs) \
               VALUES ('VSSZZZ5FZR6000123', 'warranty', NULL, '{}', '2027-01-01T00:00:00Z', 900)";
    let refused = if db.url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.is_err()
    } else {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.is_err()
    };
    assert!(refused, "an unknown endpoint is refused");
}
