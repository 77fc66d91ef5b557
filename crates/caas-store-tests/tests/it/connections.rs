//! Store conformance: connections and invalidations. A task that holds a
//! connection is refused a second one at once (waiting could deadlock the
//! pool); other tasks are not affected. One-statement reads run outside any
//! transaction. Commits publish what they changed to subscribers — rolled
//! back work publishes nothing — and on PostgreSQL other instances on the
//! same database hear it too.

use crate::fixtures::*;
use caas_domain::ports::*;
use caas_store_tests::{backend, fresh_store, open_store};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn recorder(store: &dyn Store) -> Arc<Mutex<Vec<Invalidation>>> {
    let seen: Arc<Mutex<Vec<Invalidation>>> = Arc::default();
    let s = seen.clone();
    store.subscribe(Arc::new(move |c| s.lock().unwrap().push(c.clone())));
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_holding_a_connection_is_refused_a_second_one_at_once() {
    let db = fresh_store().await.unwrap();
    let store = &*db.store;
    let tx = store.begin().await.unwrap();
    let started = Instant::now();
    for second in [
        store.read().await.err(),
        store.begin().await.err(),
        store.single_read().await.err(),
    ] {
        assert!(matches!(second, Some(StoreError::Nested)), "{second:?}");
    }
    assert!(store
        .claim_job(start_time(), chrono::Duration::seconds(5))
        .await
        .is_err());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "refused without waiting for the pool"
    );
    // Another task is not affected.
    let other = db.store.clone();
    let read = tokio::spawn(async move { other.read().await.map(|_| ()) });
    let r = read.await.unwrap();
    assert!(r.is_ok(), "{r:?}");
    drop(tx);
    // Once released, the task may open another.
    let tx = store.read().await.unwrap();
    drop(tx);
    assert!(store.single_read().await.is_ok());
}

#[tokio::test]
async fn a_one_statement_read_sees_what_was_committed() {
    let db = fresh_store().await.unwrap();
    let now = start_time();
    let a = customer("single@example.com", now);
    insert_accounts(&*db.store, &[&a]).await;
    let mut r = db.store.single_read().await.unwrap();
    assert_eq!(r.find_account(&a.id).await.unwrap().unwrap().email, a.email);
    assert!(r.find_account_by_email(&a.email).await.unwrap().is_some());
}

#[tokio::test]
async fn commits_publish_what_they_changed_and_rollbacks_publish_nothing() {
    let db = fresh_store().await.unwrap();
    let seen = recorder(&*db.store);
    let now = start_time();
    let mut a = customer("inv@example.com", now);
    insert_accounts(&*db.store, &[&a]).await;
    // Local publication happens before commit returns; PostgreSQL also sends
    // NOTIFY, whose echo may arrive later: only what was changed is looked at.
    seen.lock().unwrap().retain(|c| *c != Invalidation::All);
    assert!(
        seen.lock().unwrap().is_empty(),
        "inserting an account changes no cached data"
    );

    a.name = "Renamed".into();
    a.version += 1;
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.update_account(&a).await.unwrap());
    drop(tx);
    assert!(
        !seen
            .lock()
            .unwrap()
            .contains(&Invalidation::Account(a.id.clone())),
        "rolled back"
    );

    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.update_account(&a).await.unwrap());
    tx.commit().await.unwrap();
    assert!(seen
        .lock()
        .unwrap()
        .contains(&Invalidation::Account(a.id.clone())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_another_instance_hears_every_commit() {
    if backend() != "postgres" {
        eprintln!("skipped: cross-instance invalidation is a PostgreSQL feature (SQLite serves one process)");
        return;
    }
    let db = fresh_store().await.unwrap();
    let other = open_store(&db.url).await.unwrap();
    let heard = recorder(&*other);
    // Let the other instance's listener start.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let now = start_time();
    let mut a = customer("far@example.com", now);
    insert_accounts(&*db.store, &[&a]).await;
    a.name = "Renamed".into();
    a.version += 1;
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.update_account(&a).await.unwrap());
    tx.commit().await.unwrap();
    let want = Invalidation::Account(a.id.clone());
    let started = Instant::now();
    while !heard.lock().unwrap().contains(&want) {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "not heard: {:?}",
            heard.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
