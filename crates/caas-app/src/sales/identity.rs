//! A sale reuses an existing customer only when the identity matches: the
//! same email with another identity document is refused and audited, so an
//! email alone never attaches a sale to somebody else's expediente.

use super::Valid;
use crate::context::RequestContext;
use crate::error::AppResult;
use crate::App;
use caas_domain::account::{Account, Role};
use caas_domain::audit::AuditEntry;
use serde_json::json;

/// The existing customer of the sale's email when the identity differs:
/// a customer is reused only when the document type and number match
/// (an email alone never attaches a sale to somebody else's expediente).
pub(super) async fn identity_mismatch(
    tx: &mut dyn caas_domain::ports::Tx,
    v: &Valid,
) -> AppResult<Option<caas_domain::ids::AccountId>> {
    let Some(existing) = tx.find_account_by_email(&v.email).await? else {
        return Ok(None);
    };
    if existing.role != Role::Customer {
        return Ok(None);
    }
    match tx.find_customer_profile(&existing.id).await? {
        Some(p) if p.document != v.document => Ok(Some(existing.id)),
        _ => Ok(None),
    }
}

/// Audits a sale refused because its email is another customer's (in a
/// transaction of its own: the sale itself stores nothing).
pub(super) async fn refuse_identity_mismatch(
    app: &App,
    ctx: &RequestContext,
    seller: &Account,
    v: &Valid,
    existing: &caas_domain::ids::AccountId,
) -> AppResult<()> {
    let mut tx = app.store.begin().await?;
    tx.append_audit(
        &AuditEntry::new(app.clock.now(), seller.id.as_str(), "sale.refused_identity_mismatch")
            .subject(existing.to_string())
            .details(json!({"email": v.email.as_str(), "document_type": v.document.kind, "dealership": seller.dealership_id}))
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    tracing::warn!(customer = %existing, "sale refused: the email belongs to a customer with another identity");
    Ok(())
}
