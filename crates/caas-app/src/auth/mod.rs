//! Accounts and access: provisioning, activation, login, sessions and tokens,
//! password changes and resets, staff administration, the first administrator.

pub mod bootstrap;
pub mod hashing;
pub mod links;
pub mod login;
pub mod password;
pub mod profile;
pub mod provisioning;
pub mod sessions;
pub mod staff;

use crate::context::RequestContext;
use caas_domain::audit::AuditEntry;
use chrono::{DateTime, Utc};

/// An audit entry stamped with the request's correlation data.
pub(crate) fn audit(
    now: DateTime<Utc>,
    ctx: &RequestContext,
    actor: impl Into<String>,
    action: &str,
) -> AuditEntry {
    AuditEntry::new(now, actor, action).context(ctx.request_id.clone(), ctx.ip.clone())
}

/// Writes `account` changed at `now` over the version it was read at; a
/// concurrent change (an administrator disabling it while its owner sets a
/// password) makes this a conflict instead of undoing the other write.
pub(crate) async fn save_account(
    tx: &mut dyn caas_domain::ports::Tx,
    account: &mut caas_domain::account::Account,
    now: DateTime<Utc>,
) -> crate::error::AppResult<()> {
    account.updated_at = now;
    account.version += 1;
    if tx.update_account(account).await? {
        Ok(())
    } else {
        Err(crate::error::AppError::Conflict(
            crate::refusal::Refusal::new(
                "account_changed",
                "La cuenta ha cambiado mientras tanto: recarga la página y vuelve a intentarlo.",
                "The account changed meanwhile: reload and try again.",
            ),
        ))
    }
}
