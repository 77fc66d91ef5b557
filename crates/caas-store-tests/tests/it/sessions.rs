//! Store conformance: sessions (owner scoping, liveness, revocation), single-use
//! account tokens and login-attempt counting.

use crate::fixtures::*;
use caas_domain::ids::{AccountTokenId, SessionId};
use caas_domain::ports::*;
use caas_domain::session::{Session, SessionKind, TokenPurpose};
use caas_store_tests::fresh_store;
use chrono::Duration;

fn ids(v: Vec<Session>) -> Vec<SessionId> {
    v.into_iter().map(|s| s.id).collect()
}

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

#[tokio::test]
async fn an_account_token_round_trips_by_hash() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let owner = seeded_customer(&*db.store, "ana@example.com", t).await;
    let activation = token(&owner.id, TokenPurpose::Activation, t);
    let mut reset = token(&owner.id, TokenPurpose::Reset, t);
    reset.used_at = Some(t + Duration::minutes(3));
    let mut tx = db.store.begin().await?;
    tx.insert_account_token(&activation).await?;
    tx.insert_account_token(&reset).await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.find_account_token_by_hash(&activation.secret_hash)
            .await?
            .as_ref(),
        Some(&activation)
    );
    assert_eq!(
        tx.find_account_token_by_hash(&reset.secret_hash)
            .await?
            .as_ref(),
        Some(&reset)
    );
    assert_eq!(tx.find_account_token_by_hash(&random_hash()).await?, None);
    Ok(())
}

#[tokio::test]
async fn consuming_an_account_token_is_single_use() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let owner = seeded_customer(&*db.store, "ana@example.com", t).await;
    let tok = token(&owner.id, TokenPurpose::Reset, t);
    let mut tx = db.store.begin().await?;
    tx.insert_account_token(&tok).await?;
    tx.commit().await?;

    let first = t + Duration::minutes(1);
    let mut tx = db.store.begin().await?;
    assert!(tx.consume_account_token(&tok.id, first).await?);
    tx.commit().await?;
    let mut tx = db.store.begin().await?;
    assert!(
        !tx.consume_account_token(&tok.id, first + Duration::minutes(1))
            .await?,
        "second use"
    );
    assert!(
        !tx.consume_account_token(&AccountTokenId::new(), first)
            .await?,
        "unknown token"
    );
    tx.commit().await?;

    let back = db
        .store
        .read()
        .await?
        .find_account_token_by_hash(&tok.secret_hash)
        .await?
        .unwrap();
    assert_eq!(
        back.used_at,
        Some(first),
        "the first use is the one recorded"
    );
    assert!(!back.is_usable(first));
    Ok(())
}

#[tokio::test]
async fn invalidating_account_tokens_marks_only_unused_ones_of_that_purpose_and_owner(
) -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let eve = seeded_customer(&*db.store, "eve@example.com", t).await;
    let act1 = token(&ana.id, TokenPurpose::Activation, t);
    let act2 = token(&ana.id, TokenPurpose::Activation, t + Duration::minutes(1));
    let mut act_used = token(&ana.id, TokenPurpose::Activation, t);
    let used_at = t + Duration::seconds(10);
    act_used.used_at = Some(used_at);
    let reset = token(&ana.id, TokenPurpose::Reset, t);
    let eves = token(&eve.id, TokenPurpose::Activation, t);
    let mut tx = db.store.begin().await?;
    for tok in [&act1, &act2, &act_used, &reset, &eves] {
        tx.insert_account_token(tok).await?;
    }
    tx.commit().await?;

    let at = t + Duration::minutes(5);
    let mut tx = db.store.begin().await?;
    tx.invalidate_account_tokens(&ana.id, TokenPurpose::Activation, at)
        .await?;
    tx.commit().await?;

    let mut tx = db.store.begin().await?;
    let used = |x: Option<caas_domain::session::AccountToken>| x.unwrap().used_at;
    assert_eq!(
        used(tx.find_account_token_by_hash(&act1.secret_hash).await?),
        Some(at)
    );
    assert_eq!(
        used(tx.find_account_token_by_hash(&act2.secret_hash).await?),
        Some(at)
    );
    assert_eq!(
        used(tx.find_account_token_by_hash(&act_used.secret_hash).await?),
        Some(used_at)
    );
    assert_eq!(
        used(tx.find_account_token_by_hash(&reset.secret_hash).await?),
        None,
        "other purpose untouched"
    );
    assert_eq!(
        used(tx.find_account_token_by_hash(&eves.secret_hash).await?),
        None,
        "other owner untouched"
    );
    // Invalidated tokens can no longer be consumed; the untouched ones can.
    assert!(!tx.consume_account_token(&act1.id, at).await?);
    assert!(tx.consume_account_token(&reset.id, at).await?);
    assert!(tx.consume_account_token(&eves.id, at).await?);
    Ok(())
}

#[tokio::test]
async fn failed_logins_are_counted_per_email_and_per_ip_within_the_window() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let now = start_time();
    let since = now - Duration::minutes(15);
    let attempts = [
        (
            "ana@example.com",
            "10.0.0.1",
            false,
            now - Duration::minutes(10),
        ),
        (
            "ana@example.com",
            "10.0.0.1",
            false,
            now - Duration::minutes(1),
        ),
        (
            "ana@example.com",
            "10.0.0.1",
            true,
            now - Duration::seconds(30),
        ),
        (
            "ana@example.com",
            "10.0.0.1",
            false,
            now - Duration::hours(2),
        ),
        (
            "ana@example.com",
            "10.0.0.1",
            false,
            since - Duration::seconds(1),
        ),
        (
            "ana@example.com",
            "2001:db8::7",
            false,
            now - Duration::minutes(2),
        ),
        (
            "eve@example.com",
            "10.0.0.1",
            false,
            now - Duration::minutes(3),
        ),
        (
            "eve@example.com",
            "10.0.0.9",
            true,
            now - Duration::minutes(3),
        ),
    ];
    let mut tx = db.store.begin().await?;
    for (email, ip, ok, at) in attempts {
        tx.record_login_attempt(email, ip, ok, at).await?;
    }
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.count_failed_logins_for_email("ana@example.com", since)
            .await?,
        3
    );
    assert_eq!(
        tx.count_failed_logins_for_email("eve@example.com", since)
            .await?,
        1
    );
    assert_eq!(
        tx.count_failed_logins_for_email("nobody@example.com", since)
            .await?,
        0
    );
    assert_eq!(
        tx.count_failed_logins_for_email("ana@example.com", now - Duration::days(1))
            .await?,
        5
    );
    assert_eq!(tx.count_failed_logins_for_ip("10.0.0.1", since).await?, 3);
    assert_eq!(
        tx.count_failed_logins_for_ip("2001:db8::7", since).await?,
        1
    );
    assert_eq!(
        tx.count_failed_logins_for_ip("10.0.0.9", since).await?,
        0,
        "successes are not counted"
    );
    assert_eq!(tx.count_failed_logins_for_ip("10.0.0.1", now).await?, 0);
    Ok(())
}
