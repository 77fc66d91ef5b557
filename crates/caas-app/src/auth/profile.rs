//! The account owner's own settings.

use super::audit;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::App;
use caas_domain::account::{Account, Language};

/// Sets the preferred language (web pages, emails).
pub async fn set_language(
    app: &App,
    ctx: &RequestContext,
    owner: &Account,
    language: Language,
) -> AppResult<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let mut account = tx
        .find_account(&owner.id)
        .await?
        .ok_or(AppError::NotFound)?;
    account.language = language;
    super::save_account(&mut *tx, &mut account, now).await?;
    tx.append_audit(
        &audit(now, ctx, owner.id.to_string(), "account.language_changed")
            .subject(owner.id.to_string())
            .details(serde_json::json!({"language": language.as_str()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
