//! Two writers per aggregate: every aggregate more than one flow writes
//! (accounts, orders, vehicles; payments in `money.rs`, staff alerts in
//! `events/alerts.rs`) is version-guarded, so of two writers that read the same
//! version only the first one's write lands. The stale case runs on both
//! engines; the concurrent case (second reader inside its transaction while
//! the first one commits) needs PostgreSQL, since SQLite has one writer.

use crate::fixtures::*;
use caas_domain::account::AccountStatus;
use caas_domain::order::OrderState;
use caas_store_tests::{backend, fresh_store};

/// Runs the concurrent two-writer race on PostgreSQL: the first writer
/// writes `$first` inside an open transaction, a second task reads the same
/// row, waits, and writes `$second` after the first commits; the second
/// must be refused. `$find(tx, id)` reads, `$update(tx, &x)` writes.
macro_rules! race {
    ($db:expr, $id:expr, $find:ident, $update:ident, |$a:ident| $first:block, |$b:ident| $second:block) => {{
        let db = $db;
        let mut first = db.store.begin().await?;
        let mut $a = first.$find(&$id).await?.unwrap();
        $first
        $a.version += 1;
        assert!(first.$update(&$a).await?, "the first writer writes");
        let (store, id) = (db.store.clone(), $id.clone());
        let (read_tx, read_rx) = tokio::sync::oneshot::channel();
        let racer = tokio::spawn(async move {
            let mut second = store.begin().await.unwrap();
            let mut $b = second.$find(&id).await.unwrap().unwrap();
            read_tx.send(()).unwrap();
            $second
            $b.version += 1;
            let wrote = second.$update(&$b).await.unwrap();
            second.commit().await.unwrap();
            wrote
        });
        read_rx.await?;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        first.commit().await?;
        assert!(!racer.await?, "the second writer read a stale version");
        $a
    }};
}

#[tokio::test]
async fn a_stale_account_update_returns_false_and_changes_nothing() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let original = customer("ana@example.com", t);
    insert_accounts(&*db.store, &[&original]).await;

    // An administrator disables the account; its owner's password change read the same version.
    let mut disabled = original.clone();
    disabled.status = AccountStatus::Disabled;
    disabled.version += 1;
    let mut password = original.clone();
    password.status = AccountStatus::Active;
    password.password_hash = Some("$argon2id$v=19$late".to_owned());
    password.version += 1;

    let mut tx = db.store.begin().await?;
    assert!(tx.update_account(&disabled).await?);
    tx.commit().await?;
    let mut tx = db.store.begin().await?;
    assert!(
        !tx.update_account(&password).await?,
        "the stale writer loses"
    );
    tx.commit().await?;
    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_account(&original.id).await?, Some(disabled));
    Ok(())
}

#[tokio::test]
async fn of_two_concurrent_account_writers_the_second_loses() -> anyhow::Result<()> {
    if backend() != "postgres" {
        return Ok(());
    }
    let db = fresh_store().await?;
    let a = customer("ana@example.com", start_time());
    insert_accounts(&*db.store, &[&a]).await;
    let won = race!(
        &db,
        a.id,
        find_account,
        update_account,
        |x| {
            x.status = AccountStatus::Disabled;
        },
        |y| {
            y.password_hash = Some("$argon2id$v=19$late".to_owned());
            y.status = AccountStatus::Active;
        }
    );
    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_account(&a.id).await?, Some(won));
    Ok(())
}

#[tokio::test]
async fn of_two_concurrent_order_writers_the_second_loses() -> anyhow::Result<()> {
    if backend() != "postgres" {
        return Ok(());
    }
    let db = fresh_store().await?;
    let o = seeded_order(&*db.store, "ana@example.com", start_time()).await;
    let won = race!(
        &db,
        o.id,
        find_order,
        update_order,
        |x| {
            x.state = OrderState::Reserved;
        },
        |y| {
            y.state = OrderState::Cancelled;
        }
    );
    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_order(&o.id).await?, Some(won));
    Ok(())
}

#[tokio::test]
async fn a_stale_vehicle_update_returns_false_and_changes_nothing() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Sur", t);
    insert_dealership(&*db.store, &d).await;
    let v = stock_vehicle(&d.id, t);
    let mut tx = db.store.begin().await?;
    tx.insert_vehicle(&v).await?;
    tx.commit().await?;

    let mut plated = v.clone();
    plated.plate_number = Some("1234 LMN".to_owned());
    plated.version += 1;
    let mut stale = v.clone();
    stale.plate_number = Some("9999 ZZZ".to_owned());
    stale.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_vehicle(&plated).await?);
    assert!(!tx.update_vehicle(&stale).await?, "the stale writer loses");
    tx.commit().await?;
    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_vehicle(&v.id).await?, Some(plated));
    Ok(())
}

#[tokio::test]
async fn of_two_concurrent_vehicle_writers_the_second_loses() -> anyhow::Result<()> {
    if backend() != "postgres" {
        return Ok(());
    }
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Sur", t);
    insert_dealership(&*db.store, &d).await;
    let v = stock_vehicle(&d.id, t);
    let mut tx = db.store.begin().await?;
    tx.insert_vehicle(&v).await?;
    tx.commit().await?;
    let won = race!(
        &db,
        v.id,
        find_vehicle,
        update_vehicle,
        |x| {
            x.plate_number = Some("1234 LMN".to_owned());
        },
        |y| {
            y.plate_number = Some("9999 ZZZ".to_owned());
        }
    );
    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_vehicle(&v.id).await?, Some(won));
    Ok(())
}

#[tokio::test]
async fn two_edits_of_one_option_apply_one_after_the_other() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let option = catalogue_option("HEATED_SEATS", &["urban-ev"], t);
    let mut tx = db.store.begin().await?;
    tx.upsert_option(&option).await?;
    tx.commit().await?;

    // The first editor holds the option while it deactivates it; a second
    // editor renaming it reads it only after the first one commits.
    let mut first = db.store.begin().await?;
    let mut a = first.find_option_for_update("HEATED_SEATS").await?.unwrap();
    a.active = false;
    first.upsert_option(&a).await?;
    let store = db.store.clone();
    let racer = tokio::spawn(async move {
        let mut second = store.begin().await.unwrap();
        let mut b = second
            .find_option_for_update("HEATED_SEATS")
            .await
            .unwrap()
            .unwrap();
        b.name.en = "Heated seats".to_owned();
        second.upsert_option(&b).await.unwrap();
        second.commit().await.unwrap();
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    first.commit().await?;
    racer.await?;

    let mut tx = db.store.begin().await?;
    let now = tx.find_option_for_update("HEATED_SEATS").await?.unwrap();
    assert!(!now.active, "the first edit was not undone");
    assert_eq!(now.name.en, "Heated seats", "the second edit landed");
    assert_eq!(tx.find_option_for_update("NOPE").await?, None);
    tx.commit().await?;
    Ok(())
}
