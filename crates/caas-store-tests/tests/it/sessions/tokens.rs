//! Store conformance: single-use account tokens — round trip by hash,
//! consumption once, and invalidation per purpose and owner.

use super::*;

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
