//! Saved cards (issue 11 item 5): a customer saves a card once from a
//! one-time token of the gateway's hosted card fields, lists and deletes it,
//! and pays with it. The cards live at the gateway under the customer's
//! reference (their account id, as every charge of theirs carries); caas
//! stores no card data. Every call is scoped to the caller: a card is the
//! caller's only when the gateway lists it under their reference.

use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::App;
use caas_domain::account::{Account, Role};
use caas_domain::audit::AuditEntry;
use caas_domain::partners::{CallError, PaymentCallError, PaymentGateway, SavedCard};
use std::sync::Arc;

/// The gateway's `customer_reference` of a customer: their account id.
pub fn customer_reference(customer: &Account) -> String {
    customer.id.to_string()
}

fn gateway(app: &App) -> AppResult<Arc<dyn PaymentGateway>> {
    app.partners
        .payments
        .clone()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no payment gateway configured")))
}

fn only_customers(customer: &Account) -> AppResult<()> {
    if customer.role == Role::Customer {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn call_failed(e: CallError) -> AppError {
    AppError::Internal(anyhow::anyhow!("payment gateway: {e}"))
}

fn token_invalid() -> AppError {
    AppError::Invalid {
        field: "token".into(),
        message: "the card could not be read; enter it again".into(),
    }
}

fn well_formed(id: &str, prefix: &str) -> bool {
    id.starts_with(prefix)
        && id.len() <= 100
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The caller's saved cards, oldest first.
#[tracing::instrument(skip_all, fields(customer = %customer.id))]
pub async fn list_cards(app: &App, customer: &Account) -> AppResult<Vec<SavedCard>> {
    only_customers(customer)?;
    gateway(app)?
        .list_cards(&customer_reference(customer))
        .await
        .map_err(call_failed)
}

/// Saves the card behind a one-time token (`tok_…`) for the caller.
#[tracing::instrument(skip_all, fields(customer = %customer.id))]
pub async fn save_card(
    app: &App,
    ctx: &RequestContext,
    customer: &Account,
    token: &str,
) -> AppResult<SavedCard> {
    only_customers(customer)?;
    let token = token.trim();
    if !well_formed(token, "tok_") {
        return Err(token_invalid());
    }
    // A token is single-use, so the key names this one save.
    let key = format!("save-card-{}-{token}", customer.id);
    let card = match gateway(app)?
        .save_card(&customer_reference(customer), token, &key)
        .await
    {
        Ok(c) => c,
        Err(PaymentCallError::Call(e @ CallError::Transient { .. })) => return Err(call_failed(e)),
        Err(PaymentCallError::Call(e @ CallError::Unauthorized(_))) => return Err(call_failed(e)),
        Err(_) => return Err(token_invalid()),
    };
    audit(app, ctx, customer, "card.saved", &card).await?;
    Ok(card)
}

/// Deletes one of the caller's saved cards; anyone else's is not found.
#[tracing::instrument(skip_all, fields(customer = %customer.id))]
pub async fn delete_card(
    app: &App,
    ctx: &RequestContext,
    customer: &Account,
    id: &str,
) -> AppResult<()> {
    let card = own_card(app, customer, id).await?;
    if !gateway(app)?
        .delete_card(&card.id)
        .await
        .map_err(call_failed)?
    {
        return Err(AppError::NotFound);
    }
    audit(app, ctx, customer, "card.deleted", &card).await
}

/// The caller's saved card `id` (404 when it is not theirs or unknown).
pub async fn own_card(app: &App, customer: &Account, id: &str) -> AppResult<SavedCard> {
    if !well_formed(id.trim(), "pm_") {
        return Err(AppError::NotFound);
    }
    list_cards(app, customer)
        .await?
        .into_iter()
        .find(|c| c.id == id.trim())
        .ok_or(AppError::NotFound)
}

/// What a payment form chose, made ready to charge: a saved `pm_…` must be
/// the caller's (refused otherwise); a new card's token is saved first when
/// `save` and then paid with the saved card.
pub async fn method_for_payment(
    app: &App,
    ctx: &RequestContext,
    payer: &Account,
    method: &str,
    save: bool,
) -> AppResult<String> {
    let method = method.trim();
    if method.starts_with("pm_") {
        return match own_card(app, payer, method).await {
            Ok(c) => Ok(c.id),
            Err(AppError::NotFound | AppError::Forbidden) => Err(AppError::Invalid {
                field: "payment_method".into(),
                message: "this saved card is not one of yours; choose one of your cards".into(),
            }),
            Err(e) => Err(e),
        };
    }
    if save && payer.role == Role::Customer && method.starts_with("tok_") {
        return Ok(save_card(app, ctx, payer, method).await?.id);
    }
    Ok(method.to_owned())
}

async fn audit(
    app: &App,
    ctx: &RequestContext,
    customer: &Account,
    action: &str,
    card: &SavedCard,
) -> AppResult<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    tx.append_audit(
        &AuditEntry::new(now, customer.id.as_str(), action)
            .subject(card.id.clone())
            .details(serde_json::json!({"brand": card.brand, "last4": card.last4}))
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
