//! Changing one's own password.

use super::audit;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::App;
use caas_domain::account::{check_new_password, Account};
use caas_domain::session::Session;

/// Changes the password after checking the current one; every other session
/// and token of the account is revoked, the current one stays.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    app: &App,
    ctx: &RequestContext,
    account: &Account,
    current_session: &Session,
    current_password: &str,
    new_password: &str,
) -> AppResult<()> {
    let phc = account
        .password_hash
        .clone()
        .ok_or(AppError::BadCredentials)?;
    if !app.hasher.verify(current_password.to_owned(), phc).await? {
        return Err(AppError::Invalid {
            field: "current_password".into(),
            message: "the current password is not correct".into(),
        });
    }
    check_new_password(new_password)?;
    let hash = app.hasher.hash(new_password.to_owned()).await?;
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let mut fresh = tx
        .find_account(&account.id)
        .await?
        .ok_or(AppError::NotFound)?;
    fresh.password_hash = Some(hash);
    super::save_account(&mut *tx, &mut fresh, now).await?;
    let revoked = tx
        .revoke_sessions_for_account(&account.id, Some(&current_session.id), now)
        .await?;
    tx.append_audit(
        &audit(now, ctx, account.id.to_string(), "auth.password_changed")
            .subject(account.id.to_string())
            .details(serde_json::json!({"other_sessions_revoked": revoked})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
