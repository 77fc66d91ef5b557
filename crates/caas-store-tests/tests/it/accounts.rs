//! Store conformance: accounts and dealerships.

use crate::fixtures::*;
use caas_domain::account::{AccountStatus, Language, Role};
use caas_domain::email::EmailAddress;
use caas_domain::ids::{AccountId, DealershipId};
use caas_domain::ports::*;
use caas_store_tests::fresh_store;
use chrono::Duration;

#[tokio::test]
async fn an_account_round_trips_every_field_by_id_and_by_email() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Sur", t);
    insert_dealership(&*db.store, &d).await;

    let mut staff = account("sales@motorsur.es", Role::Sales, Some(&d.id), t);
    staff.name = "Lucía Fernández-Ñúñez".to_owned();
    staff.language = Language::En;
    staff.status = AccountStatus::Active;
    staff.password_hash = Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned());
    staff.updated_at = t + Duration::seconds(5);
    // A customer: no dealership, no password yet.
    let cust = customer("ana@example.com", t - Duration::days(3));
    insert_accounts(&*db.store, &[&staff, &cust]).await;

    let mut tx = db.store.read().await?;
    for a in [&staff, &cust] {
        assert_eq!(tx.find_account(&a.id).await?.as_ref(), Some(a));
        assert_eq!(tx.find_account_by_email(&a.email).await?.as_ref(), Some(a));
    }
    let cust_back = tx.find_account(&cust.id).await?.unwrap();
    assert_eq!(cust_back.dealership_id, None);
    assert_eq!(cust_back.password_hash, None);
    // Lookup is by the normalised address.
    let shouted = EmailAddress::parse("  ANA@Example.COM ")?;
    assert_eq!(
        tx.find_account_by_email(&shouted).await?.map(|a| a.id),
        Some(cust.id.clone())
    );
    Ok(())
}

#[tokio::test]
async fn an_unknown_account_is_not_found() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    seeded_customer(&*db.store, "ana@example.com", start_time()).await;
    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_account(&AccountId::new()).await?, None);
    assert_eq!(
        tx.find_account_by_email(&EmailAddress::parse("ana@example.org")?)
            .await?,
        None
    );
    Ok(())
}

#[tokio::test]
async fn a_duplicate_email_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let first = seeded_customer(&*db.store, "ana@example.com", t).await;

    let mut tx = db.store.begin().await?;
    let dup = customer("Ana@Example.com", t);
    let err = tx
        .insert_account(&dup)
        .await
        .expect_err("a second account with the same email");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);

    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_account(&dup.id).await?, None);
    assert_eq!(
        tx.find_account_by_email(&first.email).await?.map(|a| a.id),
        Some(first.id)
    );
    Ok(())
}

#[tokio::test]
async fn an_account_of_an_unknown_dealership_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let ghost = DealershipId::new();
    let a = account("sales@nowhere.es", Role::Sales, Some(&ghost), start_time());
    let mut tx = db.store.begin().await?;
    let err = tx
        .insert_account(&a)
        .await
        .expect_err("foreign key to a missing dealership");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn a_rolled_back_account_insert_leaves_nothing_behind() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let a = customer("ana@example.com", start_time());
    {
        let mut tx = db.store.begin().await?;
        tx.insert_account(&a).await?;
        assert_eq!(
            tx.find_account(&a.id).await?.as_ref(),
            Some(&a),
            "visible inside its own transaction"
        );
    }
    let mut tx = db.store.begin().await?;
    assert_eq!(tx.find_account(&a.id).await?, None);
    // The email is free again.
    tx.insert_account(&a).await?;
    tx.commit().await?;
    Ok(())
}

#[tokio::test]
async fn update_account_persists_status_role_password_and_dealership() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Norte", t);
    insert_dealership(&*db.store, &d).await;
    let mut a = customer("pepe@example.com", t);
    let bystander = customer("other@example.com", t);
    insert_accounts(&*db.store, &[&a, &bystander]).await;

    a.status = AccountStatus::Active;
    a.role = Role::DealerOps;
    a.dealership_id = Some(d.id.clone());
    a.password_hash = Some("$argon2id$v=19$new".to_owned());
    a.name = "Pepe Renamed".to_owned();
    a.language = Language::En;
    a.updated_at = t + Duration::minutes(7);
    a.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_account(&a).await?);
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_account(&a.id).await?.as_ref(), Some(&a));
    assert_eq!(
        tx.find_account(&bystander.id).await?.as_ref(),
        Some(&bystander),
        "only the target row changes"
    );
    drop(tx);

    // Disabling and clearing the password are persisted too.
    a.status = AccountStatus::Disabled;
    a.password_hash = None;
    a.updated_at = t + Duration::minutes(8);
    a.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_account(&a).await?);
    tx.commit().await?;
    let back = db.store.read().await?.find_account(&a.id).await?.unwrap();
    assert_eq!(back.status, AccountStatus::Disabled);
    assert_eq!(back.password_hash, None);
    assert_eq!(back, a);
    Ok(())
}

#[tokio::test]
async fn updating_an_account_to_a_taken_email_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let a = customer("a@example.com", t);
    let b = customer("b@example.com", t);
    insert_accounts(&*db.store, &[&a, &b]).await;
    let mut changed = b.clone();
    changed.email = a.email.clone();
    changed.version += 1;
    let mut tx = db.store.begin().await?;
    let err = tx
        .update_account(&changed)
        .await
        .expect_err("email already used");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn list_accounts_filters_by_role_newest_first_and_respects_the_limit() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Este", t);
    insert_dealership(&*db.store, &d).await;
    let c1 = customer("c1@example.com", t - Duration::hours(3));
    let c2 = customer("c2@example.com", t - Duration::hours(1));
    let c3 = customer("c3@example.com", t - Duration::hours(2));
    let s1 = account(
        "s1@example.com",
        Role::Sales,
        Some(&d.id),
        t - Duration::minutes(30),
    );
    let admin = account(
        "admin@example.com",
        Role::Admin,
        None,
        t - Duration::hours(4),
    );
    insert_accounts(&*db.store, &[&c1, &c2, &c3, &s1, &admin]).await;

    let mut tx = db.store.read().await?;
    let ids =
        |v: Vec<caas_domain::account::Account>| v.into_iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(
        ids(tx.list_accounts(Some(Role::Customer), 10).await?),
        vec![c2.id.clone(), c3.id.clone(), c1.id.clone()]
    );
    assert_eq!(
        ids(tx.list_accounts(Some(Role::Customer), 2).await?),
        vec![c2.id.clone(), c3.id.clone()]
    );
    assert_eq!(
        ids(tx.list_accounts(Some(Role::Sales), 10).await?),
        vec![s1.id.clone()]
    );
    assert_eq!(
        ids(tx.list_accounts(Some(Role::Support), 10).await?),
        Vec::<AccountId>::new()
    );
    assert_eq!(
        ids(tx.list_accounts(None, 10).await?),
        vec![
            s1.id.clone(),
            c2.id.clone(),
            c3.id.clone(),
            c1.id.clone(),
            admin.id.clone()
        ]
    );
    assert_eq!(ids(tx.list_accounts(None, 1).await?), vec![s1.id.clone()]);
    // Listed accounts carry every field.
    assert_eq!(tx.list_accounts(Some(Role::Admin), 10).await?, vec![admin]);
    Ok(())
}

#[tokio::test]
async fn count_accounts_by_role_counts_only_that_role() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Oeste", t);
    insert_dealership(&*db.store, &d).await;
    let accounts = [
        customer("c1@example.com", t),
        customer("c2@example.com", t),
        customer("c3@example.com", t),
        account("s1@example.com", Role::Sales, Some(&d.id), t),
        account("o1@example.com", Role::DealerOps, Some(&d.id), t),
        account("admin@example.com", Role::Admin, None, t),
    ];
    insert_accounts(&*db.store, &accounts.iter().collect::<Vec<_>>()).await;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.count_accounts_by_role(Role::Customer).await?, 3);
    assert_eq!(tx.count_accounts_by_role(Role::Sales).await?, 1);
    assert_eq!(tx.count_accounts_by_role(Role::DealerOps).await?, 1);
    assert_eq!(tx.count_accounts_by_role(Role::Admin).await?, 1);
    assert_eq!(tx.count_accounts_by_role(Role::Support).await?, 0);
    Ok(())
}

#[tokio::test]
async fn dealerships_round_trip_and_are_listed_by_name() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let zeta = dealership("Zeta Automoción", t - Duration::days(1));
    let alfa = dealership("Alfa Motor", t);
    let mut madrid = dealership("Madrid Cars", t - Duration::days(2));
    madrid.country = "PT".to_owned();
    madrid.locality = "Lisboa".to_owned();
    let mut tx = db.store.begin().await?;
    for d in [&zeta, &alfa, &madrid] {
        tx.insert_dealership(d).await?;
    }
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.find_dealership(&madrid.id).await?.as_ref(),
        Some(&madrid)
    );
    assert_eq!(tx.find_dealership(&DealershipId::new()).await?, None);
    assert_eq!(tx.list_dealerships().await?, vec![alfa, madrid, zeta]);
    Ok(())
}

#[tokio::test]
async fn a_duplicate_dealership_id_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let d = dealership("Alfa Motor", start_time());
    insert_dealership(&*db.store, &d).await;
    let mut again = d.clone();
    again.name = "Another name".to_owned();
    let mut tx = db.store.begin().await?;
    let err = tx
        .insert_dealership(&again)
        .await
        .expect_err("same id twice");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    Ok(())
}
