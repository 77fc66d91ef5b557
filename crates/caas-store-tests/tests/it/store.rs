//! Store conformance: the store itself — backend identity, readiness, and
//! read-only versus read-write transactions.

use crate::fixtures::*;
use caas_store_tests::{backend, fresh_store, open_store};

#[tokio::test]
async fn backend_under_test_is_reported() -> anyhow::Result<()> {
    eprintln!("store conformance backend: {}", backend());
    let db = fresh_store().await?;
    assert_eq!(db.store.backend_name(), backend());
    Ok(())
}

#[tokio::test]
async fn a_fresh_store_is_ready() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    db.store.ready().await?;
    Ok(())
}

#[tokio::test]
async fn reopening_a_store_keeps_its_data_and_stays_ready() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let a = seeded_customer(&*db.store, "ana@example.com", start_time()).await;
    db.store.close().await;

    // Migrations already applied are not re-run or duplicated.
    let again = open_store(&db.url).await?;
    again.ready().await?;
    assert_eq!(again.read().await?.find_account(&a.id).await?, Some(a));
    again.close().await;
    Ok(())
}

#[tokio::test]
async fn a_read_transaction_refuses_writes() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let mut tx = db.store.read().await?;
    let res = tx
        .insert_account(&customer("ana@example.com", start_time()))
        .await;
    assert!(res.is_err(), "a read-only transaction accepted a write");
    Ok(())
}

#[tokio::test]
async fn uncommitted_writes_are_invisible_to_readers_until_commit() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let a = customer("ana@example.com", start_time());
    let mut writer = db.store.begin().await?;
    writer.insert_account(&a).await?;

    // Another task reads (this one holds a connection and may not take a second).
    let (store, id) = (db.store.clone(), a.id.clone());
    let seen = tokio::spawn(async move { store.read().await?.find_account(&id).await }).await??;
    assert_eq!(seen, None);

    writer.commit().await?;
    let mut reader = db.store.read().await?;
    assert_eq!(reader.find_account(&a.id).await?, Some(a));
    Ok(())
}
