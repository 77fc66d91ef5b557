//! Single-use emailed links: activation and password reset.

use super::audit;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::mail::outbox::queue_email;
use crate::mail::templates::MailTemplate;
use crate::secrets::{hash_secret, random_token};
use crate::App;
use caas_domain::account::{check_new_password, Account, AccountStatus};
use caas_domain::email::EmailAddress;
use caas_domain::ids::AccountTokenId;
use caas_domain::ports::Tx;
use caas_domain::session::{AccountToken, TokenPurpose};

/// Issues a fresh link of `purpose` for `account` (older unused ones stop
/// working) and queues the email carrying it, all inside `tx`.
pub async fn issue_link(
    tx: &mut dyn Tx,
    app: &App,
    account: &Account,
    purpose: TokenPurpose,
) -> AppResult<()> {
    let now = app.clock.now();
    tx.invalidate_account_tokens(&account.id, purpose, now)
        .await?;
    let secret = random_token(32);
    let ttl = match purpose {
        TokenPurpose::Activation => app.settings.activation_ttl,
        TokenPurpose::Reset => app.settings.reset_ttl,
    };
    tx.insert_account_token(&AccountToken {
        id: AccountTokenId::new(),
        account_id: account.id.clone(),
        purpose,
        secret_hash: hash_secret(&secret),
        created_at: now,
        expires_at: now + ttl,
        used_at: None,
    })
    .await?;
    let base = &app.settings.public_url;
    let template = match purpose {
        TokenPurpose::Activation => MailTemplate::Activation {
            name: account.name.clone(),
            link: format!("{base}/activate?token={secret}"),
            valid_days: ttl.num_days().max(1),
        },
        TokenPurpose::Reset => MailTemplate::PasswordReset {
            name: account.name.clone(),
            link: format!("{base}/password/reset?token={secret}"),
            valid_minutes: ttl.num_minutes().max(1),
        },
    };
    queue_email(tx, app, &account.email, account.language, &template).await?;
    Ok(())
}

/// Resolves a link secret to its account without using it (to show the form).
pub async fn check_link(app: &App, secret: &str, purpose: TokenPurpose) -> AppResult<Account> {
    let mut tx = app.store.read().await?;
    let token = tx
        .find_account_token_by_hash(&hash_secret(secret))
        .await?
        .filter(|t| t.purpose == purpose && t.is_usable(app.clock.now()))
        .ok_or(AppError::LinkInvalid)?;
    let account = tx
        .find_account(&token.account_id)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    if account.status == AccountStatus::Disabled {
        return Err(AppError::LinkInvalid);
    }
    Ok(account)
}

/// Uses a link: sets the password, activates a pending account, and (for a
/// reset) ends every session. The link never works again.
#[tracing::instrument(skip_all, fields(purpose = purpose.as_str()))]
pub async fn use_link(
    app: &App,
    ctx: &RequestContext,
    secret: &str,
    purpose: TokenPurpose,
    new_password: &str,
) -> AppResult<Account> {
    check_new_password(new_password)?;
    let hash = app.hasher.hash(new_password.to_owned()).await?;
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let token = tx
        .find_account_token_by_hash(&hash_secret(secret))
        .await?
        .filter(|t| t.purpose == purpose && t.is_usable(now))
        .ok_or(AppError::LinkInvalid)?;
    let mut account = tx
        .find_account(&token.account_id)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    if account.status == AccountStatus::Disabled
        || !tx.consume_account_token(&token.id, now).await?
    {
        return Err(AppError::LinkInvalid);
    }
    account.password_hash = Some(hash);
    account.status = AccountStatus::Active;
    super::save_account(&mut *tx, &mut account, now).await?;
    let action = match purpose {
        TokenPurpose::Activation => "auth.activation",
        TokenPurpose::Reset => {
            tx.revoke_sessions_for_account(&account.id, None, now)
                .await?;
            "auth.password_reset"
        }
    };
    tx.append_audit(
        &audit(now, ctx, account.id.to_string(), action).subject(account.id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(account)
}

/// Starts a password reset. Answers the same whether or not the address is
/// known (AUTH-6): only an existing, enabled account gets an email — a
/// pending one gets a fresh activation link instead.
#[tracing::instrument(skip_all)]
pub async fn request_password_reset(app: &App, ctx: &RequestContext, email: &str) -> AppResult<()> {
    let Ok(email) = EmailAddress::parse(email) else {
        return Ok(());
    };
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(account) = tx.find_account_by_email(&email).await? else {
        tx.append_audit(
            &audit(now, ctx, "anonymous", "auth.password_reset.unknown_email")
                .subject(email.to_string()),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    };
    let purpose = match account.status {
        AccountStatus::Active => Some(TokenPurpose::Reset),
        AccountStatus::Pending => Some(TokenPurpose::Activation),
        AccountStatus::Disabled => None,
    };
    if let Some(purpose) = purpose {
        issue_link(&mut *tx, app, &account, purpose).await?;
    }
    tx.append_audit(
        &audit(now, ctx, "anonymous", "auth.password_reset.requested")
            .subject(account.id.to_string())
            .details(serde_json::json!({"link_sent": purpose.map(|p| p.as_str())})),
    )
    .await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(())
}
