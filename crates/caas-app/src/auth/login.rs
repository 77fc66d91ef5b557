//! Logging in: throttling, password check, session or bearer token issue.

use super::audit;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::secrets::{hash_secret, random_token};
use crate::App;
use caas_domain::account::Account;
use caas_domain::email::EmailAddress;
use caas_domain::ids::SessionId;
use caas_domain::session::{Session, SessionKind};

/// A new session and the secret only the client will ever hold.
#[derive(Debug, Clone)]
pub struct IssuedSession {
    /// The stored session.
    pub session: Session,
    /// Cookie value or bearer token.
    pub secret: String,
    /// The account logged in.
    pub account: Account,
}

/// Checks credentials and opens a web session or issues an API token.
/// Throttled per account and per client address (429 with a wait time).
#[tracing::instrument(skip_all, fields(kind = kind.as_str()))]
pub async fn login(
    app: &App,
    ctx: &RequestContext,
    email: &str,
    password: &str,
    kind: SessionKind,
) -> AppResult<IssuedSession> {
    let now = app.clock.now();
    let email_key = EmailAddress::parse(email)
        .map(|e| e.to_string())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    let ip = ctx.ip.clone().unwrap_or_else(|| "unknown".into());
    let since = now - app.settings.throttle_window;
    // Refuse before any work when the hashing queue is already full.
    if !app.hasher.has_room() {
        return Err(app.hasher.overloaded());
    }
    let parsed = EmailAddress::parse(email).ok();
    let (by_email, by_ip, account) = {
        let mut tx = app.store.read().await?;
        let by_email = tx.count_failed_logins_for_email(&email_key, since).await?;
        let by_ip = tx.count_failed_logins_for_ip(&ip, since).await?;
        let account = match &parsed {
            Some(e) => tx.find_account_by_email(e).await?,
            None => None,
        };
        (by_email, by_ip, account)
    };
    if by_email >= app.settings.max_failures_per_account
        || by_ip >= app.settings.max_failures_per_ip
    {
        let mut tx = app.store.begin().await?;
        tx.append_audit(
            &audit(now, ctx, "anonymous", "auth.login.throttled")
                .subject(email_key.clone())
                .details(
                    serde_json::json!({"failures_for_account": by_email, "failures_for_ip": by_ip}),
                ),
        )
        .await?;
        tx.commit().await?;
        return Err(AppError::Throttled {
            retry_after_secs: app.settings.throttle_window.num_seconds(),
        });
    }
    // Unknown accounts cost the same hashing time as known ones (no enumeration by timing).
    let password_ok = match account.as_ref().and_then(|a| a.password_hash.clone()) {
        Some(phc) => match app.hasher.verify(password.to_owned(), phc).await {
            Ok(ok) => ok,
            Err(e @ AppError::Overloaded { .. }) => return Err(e),
            Err(_) => false,
        },
        None => match app.hasher.hash(password.to_owned()).await {
            Err(e @ AppError::Overloaded { .. }) => return Err(e),
            _ => false,
        },
    };
    let account = account.filter(|a| password_ok && a.can_log_in());

    let mut tx = app.store.begin().await?;
    tx.record_login_attempt(&email_key, &ip, account.is_some(), now)
        .await?;
    let Some(account) = account else {
        tx.append_audit(&audit(now, ctx, "anonymous", "auth.login.failed").subject(email_key))
            .await?;
        tx.commit().await?;
        return Err(AppError::BadCredentials);
    };
    let secret = random_token(32);
    let ttl = match kind {
        SessionKind::Web => app.settings.session_ttl,
        SessionKind::Api => app.settings.api_token_ttl,
    };
    let session = Session {
        id: SessionId::new(),
        account_id: account.id.clone(),
        kind,
        secret_hash: hash_secret(&secret),
        csrf_token: random_token(24),
        user_agent: ctx
            .user_agent
            .clone()
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect(),
        created_at: now,
        expires_at: now + ttl,
        revoked_at: None,
    };
    tx.insert_session(&session).await?;
    tx.append_audit(
        &audit(now, ctx, account.id.to_string(), "auth.login.ok")
            .subject(account.id.to_string())
            .details(serde_json::json!({"kind": kind.as_str(), "session_id": session.id})),
    )
    .await?;
    tx.commit().await?;
    Ok(IssuedSession {
        session,
        secret,
        account,
    })
}
