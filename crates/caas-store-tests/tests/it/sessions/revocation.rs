//! Store conformance: revoking one session or all but one, only ever the
//! owner's own.

use super::*;

#[tokio::test]
async fn revoking_another_owners_session_returns_false_and_leaves_it_live() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let now = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", now).await;
    let eve = seeded_customer(&*db.store, "eve@example.com", now).await;
    let s = session(&ana.id, now, now + Duration::hours(1));
    insert_sessions(&*db.store, &[&s]).await;

    let mut tx = db.store.begin().await?;
    assert!(!tx.revoke_session_for_account(&eve.id, &s.id, now).await?);
    tx.commit().await?;
    let mut tx = db.store.read().await?;
    assert_eq!(
        ids(tx.list_live_sessions_for_account(&ana.id, now).await?),
        vec![s.id.clone()]
    );
    assert_eq!(
        tx.find_session_by_secret_hash(&s.secret_hash)
            .await?
            .unwrap()
            .revoked_at,
        None
    );
    drop(tx);

    // The owner can revoke it, once.
    let at = now + Duration::minutes(1);
    let mut tx = db.store.begin().await?;
    assert!(tx.revoke_session_for_account(&ana.id, &s.id, at).await?);
    assert!(
        !tx.revoke_session_for_account(&ana.id, &s.id, at + Duration::minutes(1))
            .await?
    );
    tx.commit().await?;
    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.find_session_for_account(&ana.id, &s.id)
            .await?
            .unwrap()
            .revoked_at,
        Some(at)
    );
    assert!(tx
        .list_live_sessions_for_account(&ana.id, at)
        .await?
        .is_empty());
    Ok(())
}

#[tokio::test]
async fn revoking_all_sessions_but_one_keeps_it_and_spares_other_owners() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let now = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", now).await;
    let eve = seeded_customer(&*db.store, "eve@example.com", now).await;
    let keep = session(
        &ana.id,
        now - Duration::minutes(1),
        now + Duration::hours(1),
    );
    let other1 = session(
        &ana.id,
        now - Duration::minutes(2),
        now + Duration::hours(1),
    );
    let other2 = session(
        &ana.id,
        now - Duration::minutes(3),
        now + Duration::hours(1),
    );
    let mut already = session(
        &ana.id,
        now - Duration::minutes(4),
        now + Duration::hours(1),
    );
    let earlier = now - Duration::minutes(2);
    already.revoked_at = Some(earlier);
    let eves = session(
        &eve.id,
        now - Duration::minutes(1),
        now + Duration::hours(1),
    );
    insert_sessions(&*db.store, &[&keep, &other1, &other2, &already, &eves]).await;

    let at = now + Duration::seconds(30);
    let mut tx = db.store.begin().await?;
    assert_eq!(
        tx.revoke_sessions_for_account(&ana.id, Some(&keep.id), at)
            .await?,
        2
    );
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        ids(tx.list_live_sessions_for_account(&ana.id, at).await?),
        vec![keep.id.clone()]
    );
    assert_eq!(
        tx.find_session_for_account(&ana.id, &other1.id)
            .await?
            .unwrap()
            .revoked_at,
        Some(at)
    );
    assert_eq!(
        tx.find_session_for_account(&ana.id, &other2.id)
            .await?
            .unwrap()
            .revoked_at,
        Some(at)
    );
    assert_eq!(
        tx.find_session_for_account(&ana.id, &already.id)
            .await?
            .unwrap()
            .revoked_at,
        Some(earlier),
        "an already revoked session keeps its revocation time"
    );
    assert_eq!(
        ids(tx.list_live_sessions_for_account(&eve.id, at).await?),
        vec![eves.id.clone()]
    );
    drop(tx);

    // Without `keep`, every remaining live session goes.
    let later = at + Duration::seconds(30);
    let mut tx = db.store.begin().await?;
    assert_eq!(
        tx.revoke_sessions_for_account(&ana.id, None, later).await?,
        1
    );
    tx.commit().await?;
    let mut tx = db.store.read().await?;
    assert!(tx
        .list_live_sessions_for_account(&ana.id, later)
        .await?
        .is_empty());
    assert_eq!(
        ids(tx.list_live_sessions_for_account(&eve.id, later).await?),
        vec![eves.id]
    );
    Ok(())
}
