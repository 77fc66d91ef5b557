//! Store conformance: finding sessions by secret hash, scoped to their owner,
//! and listing an owner's live ones.

use super::*;

#[tokio::test]
async fn a_session_is_found_by_its_secret_hash_with_every_field() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let owner = seeded_customer(&*db.store, "ana@example.com", t).await;
    let web = session(&owner.id, t, t + Duration::hours(12));
    let mut api = session(&owner.id, t + Duration::seconds(1), t + Duration::days(90));
    api.kind = SessionKind::Api;
    api.user_agent = "caas-app/1.4 (Android 14)".to_owned();
    insert_sessions(&*db.store, &[&web, &api]).await;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.find_session_by_secret_hash(&web.secret_hash)
            .await?
            .as_ref(),
        Some(&web)
    );
    assert_eq!(
        tx.find_session_by_secret_hash(&api.secret_hash)
            .await?
            .as_ref(),
        Some(&api)
    );
    assert_eq!(tx.find_session_by_secret_hash(&random_hash()).await?, None);
    Ok(())
}

#[tokio::test]
async fn a_duplicate_session_secret_hash_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let owner = seeded_customer(&*db.store, "ana@example.com", t).await;
    let first = session(&owner.id, t, t + Duration::hours(1));
    insert_sessions(&*db.store, &[&first]).await;
    let mut second = session(&owner.id, t, t + Duration::hours(1));
    second.secret_hash = first.secret_hash.clone();
    let mut tx = db.store.begin().await?;
    let err = tx
        .insert_session(&second)
        .await
        .expect_err("secret hashes are unique");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn another_owners_session_is_not_found() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let eve = seeded_customer(&*db.store, "eve@example.com", t).await;
    let s = session(&ana.id, t, t + Duration::hours(1));
    insert_sessions(&*db.store, &[&s]).await;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.find_session_for_account(&ana.id, &s.id).await?.as_ref(),
        Some(&s)
    );
    assert_eq!(tx.find_session_for_account(&eve.id, &s.id).await?, None);
    assert_eq!(
        tx.find_session_for_account(&ana.id, &SessionId::new())
            .await?,
        None
    );
    Ok(())
}

#[tokio::test]
async fn live_sessions_exclude_revoked_expired_and_other_owners_newest_first() -> anyhow::Result<()>
{
    let db = fresh_store().await?;
    let now = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", now).await;
    let eve = seeded_customer(&*db.store, "eve@example.com", now).await;
    let older = session(&ana.id, now - Duration::hours(2), now + Duration::hours(10));
    let newer = session(
        &ana.id,
        now - Duration::hours(1),
        now + Duration::seconds(1),
    );
    let mut revoked = session(
        &ana.id,
        now - Duration::minutes(30),
        now + Duration::hours(10),
    );
    revoked.revoked_at = Some(now - Duration::minutes(5));
    let expired = session(
        &ana.id,
        now - Duration::hours(3),
        now - Duration::seconds(1),
    );
    let expiring_now = session(&ana.id, now - Duration::hours(4), now);
    let eves = session(
        &eve.id,
        now - Duration::minutes(1),
        now + Duration::hours(1),
    );
    insert_sessions(
        &*db.store,
        &[&older, &newer, &revoked, &expired, &expiring_now, &eves],
    )
    .await;

    let mut tx = db.store.read().await?;
    let live = tx.list_live_sessions_for_account(&ana.id, now).await?;
    assert!(live.iter().all(|s| s.is_live(now)));
    assert_eq!(live, vec![newer.clone(), older.clone()]);
    // Two seconds later the short session has expired too.
    assert_eq!(
        ids(tx
            .list_live_sessions_for_account(&ana.id, now + Duration::seconds(2))
            .await?),
        vec![older.id]
    );
    assert_eq!(
        ids(tx.list_live_sessions_for_account(&eve.id, now).await?),
        vec![eves.id]
    );
    Ok(())
}
