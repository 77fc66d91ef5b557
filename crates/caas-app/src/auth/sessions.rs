//! Resolving, listing and revoking sessions and bearer tokens.

use super::audit;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::secrets::hash_secret;
use crate::App;
use caas_domain::account::{Account, AccountStatus};
use caas_domain::ids::SessionId;
use caas_domain::session::{Session, SessionKind};

/// Resolves a cookie or bearer secret to a live session of an enabled account
/// (from the session cache, else one statement).
pub async fn authenticate(
    app: &App,
    secret: &str,
    kind: SessionKind,
) -> AppResult<(Account, Session)> {
    let now = app.clock.now();
    let login = app
        .caches
        .login(&*app.store, &hash_secret(secret))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let (account, session) = &*login;
    if session.kind != kind || !session.is_live(now) || account.status != AccountStatus::Active {
        return Err(AppError::Unauthenticated);
    }
    Ok((account.clone(), session.clone()))
}

/// Live sessions and tokens of the account.
pub async fn list_sessions(app: &App, owner: &Account) -> AppResult<Vec<Session>> {
    let mut tx = app.store.read().await?;
    Ok(tx
        .list_live_sessions_for_account(&owner.id, app.clock.now())
        .await?)
}

/// Revokes one of the owner's sessions or tokens. Another owner's id is
/// indistinguishable from an unknown one: [`AppError::NotFound`].
#[tracing::instrument(skip_all, fields(session_id = %id))]
pub async fn revoke_session(
    app: &App,
    ctx: &RequestContext,
    owner: &Account,
    id: &SessionId,
) -> AppResult<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    tx.find_session_for_account(&owner.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.revoke_session_for_account(&owner.id, id, now).await?;
    tx.append_audit(
        &audit(now, ctx, owner.id.to_string(), "auth.session.revoked").subject(id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Logs out: revokes the session in use.
pub async fn logout(
    app: &App,
    ctx: &RequestContext,
    owner: &Account,
    session: &Session,
) -> AppResult<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    tx.revoke_session_for_account(&owner.id, &session.id, now)
        .await?;
    let action = match session.kind {
        SessionKind::Web => "auth.logout",
        SessionKind::Api => "auth.token.revoked",
    };
    tx.append_audit(&audit(now, ctx, owner.id.to_string(), action).subject(session.id.to_string()))
        .await?;
    tx.commit().await?;
    Ok(())
}
