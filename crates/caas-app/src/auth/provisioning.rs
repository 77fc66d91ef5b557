//! Customer provisioning: the only way a customer account comes to exist
//! (AUTH-1/2). Sale registration calls it inside its own transaction.

use super::audit;
use super::links::issue_link;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::App;
use caas_domain::account::{Account, AccountStatus, Language, PersonName, Role};
use caas_domain::email::EmailAddress;
use caas_domain::ids::AccountId;
use caas_domain::ports::Tx;
use caas_domain::session::TokenPurpose;

/// Who the sale is for.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    /// Email given at the sale (AUTH-3: credentials go only there).
    pub email: String,
    /// Full name.
    pub name: String,
    /// Preferred language.
    pub language: Language,
}

/// The account the sale is attached to.
#[derive(Debug, Clone)]
pub struct ProvisionedCustomer {
    /// The customer account.
    pub account: Account,
    /// True if created now; false if an existing customer was reused.
    pub created: bool,
}

/// Creates the customer account (pending, activation link emailed) or reuses
/// the existing one; an existing customer who never activated gets a fresh
/// link. An email that belongs to a staff account is refused. Runs in `tx`;
/// the caller commits together with the sale that justifies it.
pub async fn provision_customer_in(
    tx: &mut dyn Tx,
    app: &App,
    ctx: &RequestContext,
    actor: &str,
    input: &NewCustomer,
) -> AppResult<ProvisionedCustomer> {
    let email = EmailAddress::parse(&input.email)?;
    let name = PersonName::parse(&input.name)?;
    let now = app.clock.now();
    if let Some(existing) = tx.find_account_by_email(&email).await? {
        if existing.role != Role::Customer {
            return Err(AppError::Invalid {
                field: "email".into(),
                message: "this address belongs to a staff account".into(),
            });
        }
        if existing.status == AccountStatus::Pending {
            issue_link(tx, app, &existing, TokenPurpose::Activation).await?;
        }
        tx.append_audit(
            &audit(now, ctx, actor, "account.customer_reused").subject(existing.id.to_string()),
        )
        .await?;
        return Ok(ProvisionedCustomer {
            account: existing,
            created: false,
        });
    }
    let account = Account {
        id: AccountId::new(),
        email,
        name: name.as_str().to_owned(),
        role: Role::Customer,
        dealership_id: None,
        language: input.language,
        status: AccountStatus::Pending,
        password_hash: None,
        created_at: now,
        updated_at: now,
        version: 0,
    };
    tx.insert_account(&account).await?;
    issue_link(tx, app, &account, TokenPurpose::Activation).await?;
    tx.append_audit(
        &audit(now, ctx, actor, "account.customer_created").subject(account.id.to_string()),
    )
    .await?;
    Ok(ProvisionedCustomer {
        account,
        created: true,
    })
}

/// [`provision_customer_in`] in a transaction of its own (for callers that
/// have nothing else to commit with it, such as tests and admin tooling).
pub async fn provision_customer(
    app: &App,
    ctx: &RequestContext,
    actor: &str,
    input: &NewCustomer,
) -> AppResult<ProvisionedCustomer> {
    let mut tx = app.store.begin().await?;
    let out = provision_customer_in(&mut *tx, app, ctx, actor, input).await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(out)
}
