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
