//! Money and states in the schema: payments and invoices keep their amount,
//! currency (and a payment its dealership) as checked columns; every state
//! and kind the domain names is accepted and nothing else; payment writes
//! are version-guarded, so of two writers that read the same payment only
//! the first one's write lands.

use crate::fixtures::*;
use caas_domain::order::OrderState;
use caas_domain::payment::{PaymentKind, PaymentState};
use caas_store_tests::{backend, fresh_store};
use chrono::Duration;

/// One row of raw columns, read with the engine's own pool.
async fn raw_payment_columns(url: &str, id: &str) -> (i64, String, String, i64) {
    let sql = "SELECT amount_minor, currency, dealership_id, version FROM payments WHERE id = $1";
    if backend() == "postgres" {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query_as(sql).bind(id).fetch_one(&pool).await.unwrap()
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query_as(sql).bind(id).fetch_one(&pool).await.unwrap()
    }
}

/// Runs a raw statement; `Err` with the engine's message if refused.
async fn raw_execute(url: &str, sql: &str, id: &str) -> Result<u64, String> {
    if backend() == "postgres" {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(sql)
            .bind(id)
            .execute(&pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| e.to_string())
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query(sql)
            .bind(id)
            .execute(&pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| e.to_string())
    }
}

#[tokio::test]
async fn a_payment_stores_its_amount_currency_and_dealership_as_columns() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let p = payment(&o, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&p]).await;
    let mut tx = db.store.begin().await?;
    tx.insert_invoice(&invoice(&p, "F-2026-000001", t), b"%PDF")
        .await?;
    tx.commit().await?;

    let (minor, currency, dealership, version) = raw_payment_columns(&db.url, p.id.as_str()).await;
    assert_eq!(minor, p.amount.minor);
    assert_eq!(currency, "EUR");
    assert_eq!(dealership, o.dealership_id.as_str());
    assert_eq!(version, 0);
    Ok(())
}

#[tokio::test]
async fn the_database_refuses_a_payment_with_a_bad_amount_state_or_kind() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let p = payment(&o, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&p]).await;
    let mut tx = db.store.begin().await?;
    tx.insert_invoice(&invoice(&p, "F-2026-000001", t), b"%PDF")
        .await?;
    tx.commit().await?;
    let id = p.id.as_str();
    for bad in [
        "UPDATE payments SET amount_minor = 0 WHERE id = $1",
        "UPDATE payments SET amount_minor = -100 WHERE id = $1",
        "UPDATE payments SET currency = 'XYZ' WHERE id = $1",
        "UPDATE payments SET state = 'PAID_MAYBE' WHERE id = $1",
        "UPDATE payments SET kind = 'TIP' WHERE id = $1",
        "UPDATE invoices SET amount_minor = 0 WHERE payment_id = $1",
        "UPDATE orders SET state = 'TELEPORTED' WHERE id = (SELECT order_id FROM payments WHERE id = $1)",
    ] {
        assert!(
            raw_execute(&db.url, bad, id).await.is_err(),
            "refused: {bad}"
        );
    }
    // A legal raw write still passes the same checks.
    assert_eq!(
        raw_execute(
            &db.url,
            "UPDATE payments SET state = 'SETTLED' WHERE id = $1",
            id
        )
        .await,
        Ok(1)
    );
    Ok(())
}

#[tokio::test]
async fn every_state_and_kind_the_domain_names_is_accepted() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    for (i, state) in OrderState::ALL.into_iter().enumerate() {
        let mut o = seeded_order(&*db.store, &format!("o{i}@example.com"), t).await;
        o.state = state;
        o.version += 1;
        let mut tx = db.store.begin().await?;
        assert!(tx.update_order(&o).await?, "{state:?}");
        tx.commit().await?;
    }
    let o = seeded_order(&*db.store, "pay@example.com", t).await;
    for (i, kind) in PaymentKind::ALL.into_iter().enumerate() {
        for (j, state) in PaymentState::ALL.into_iter().enumerate() {
            // Declined attempts do not count as live, so one order takes them all.
            let mut p = payment(&o, kind, t + Duration::seconds((i * 10 + j) as i64));
            p.state = PaymentState::Declined;
            insert_payments(&*db.store, &[&p]).await;
            p.state = state;
            p.version += 1;
            let mut tx = db.store.begin().await?;
            assert!(tx.update_payment(&p).await?, "{kind:?} {state:?}");
            p.state = PaymentState::Declined;
            p.version += 1;
            assert!(tx.update_payment(&p).await?);
            tx.commit().await?;
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_stale_payment_update_returns_false_and_changes_nothing() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let original = payment(&o, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&original]).await;

    // Both read version 0: a webhook settles, a resolving job writes an older answer.
    let mut settled = original.clone();
    settled.state = PaymentState::Settled;
    settled.last_sequence = 5;
    settled.version += 1;
    let mut stale = original.clone();
    stale.state = PaymentState::Captured;
    stale.last_sequence = 3;
    stale.version += 1;

    let mut tx = db.store.begin().await?;
    assert!(tx.update_payment(&settled).await?);
    tx.commit().await?;
    let mut tx = db.store.begin().await?;
    assert!(!tx.update_payment(&stale).await?, "the stale writer loses");
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_payment(&original.id).await?, Some(settled));
    Ok(())
}

#[tokio::test]
async fn of_two_concurrent_payment_writers_the_second_loses() -> anyhow::Result<()> {
    if backend() != "postgres" {
        // SQLite has one writer connection: the second transaction cannot
        // start before the first one ends, so there is no race to lose.
        return Ok(());
    }
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let original = payment(&o, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&original]).await;

    // The first writer reads and writes, holding its transaction open.
    let mut first = db.store.begin().await?;
    let mut settled = first.find_payment(&original.id).await?.unwrap();
    settled.state = PaymentState::Settled;
    settled.last_sequence = 5;
    settled.version += 1;
    assert!(first.update_payment(&settled).await?);

    // The second (another task: one task holds one connection) read the
    // same version before the first commits, and writes after it.
    let (store, id) = (db.store.clone(), original.id.clone());
    let (read_tx, read_rx) = tokio::sync::oneshot::channel();
    let racer = tokio::spawn(async move {
        let mut second = store.begin().await.unwrap();
        let mut late = second.find_payment(&id).await.unwrap().unwrap();
        read_tx.send(()).unwrap();
        late.state = PaymentState::SettlementFailed;
        late.last_sequence = 4;
        late.version += 1;
        let wrote = second.update_payment(&late).await.unwrap();
        second.commit().await.unwrap();
        wrote
    });
    read_rx.await?;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    first.commit().await?;
    assert!(!racer.await?, "the second writer read a stale version");

    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_payment(&original.id).await?, Some(settled));
    Ok(())
}
