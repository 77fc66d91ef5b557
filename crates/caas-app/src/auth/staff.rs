//! Staff administration by ADMIN (or the command line): create, disable,
//! enable, change role. Customers are never created here.

use super::audit;
use super::links::issue_link;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::App;
use caas_domain::account::{Account, AccountStatus, Language, PersonName, Role};
use caas_domain::email::EmailAddress;
use caas_domain::ids::{AccountId, DealershipId};
use caas_domain::session::TokenPurpose;

/// A staff account to create.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Role (anything but CUSTOMER).
    pub role: Role,
    /// Dealership (required for SALES, DEALER_OPS, SUPPORT; none for ADMIN).
    pub dealership_id: Option<DealershipId>,
    /// Login email.
    pub email: String,
    /// Name.
    pub name: String,
    /// Language.
    pub language: Language,
}

/// Creates a pending staff account and emails its activation link.
#[tracing::instrument(skip_all, fields(role = input.role.as_str()))]
pub async fn create_staff(
    app: &App,
    ctx: &RequestContext,
    actor: &str,
    input: &NewStaff,
) -> AppResult<Account> {
    if input.role == Role::Customer {
        return Err(AppError::Invalid {
            field: "role".into(),
            message: "customer accounts are created only by registering a sale".into(),
        });
    }
    Account::check_role_dealership(input.role, input.dealership_id.as_ref())?;
    let email = EmailAddress::parse(&input.email)?;
    let name = PersonName::parse(&input.name)?;
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    if let Some(d) = &input.dealership_id {
        tx.find_dealership(d)
            .await?
            .ok_or_else(|| AppError::Invalid {
                field: "dealership_id".into(),
                message: "no such dealership".into(),
            })?;
    }
    if tx.find_account_by_email(&email).await?.is_some() {
        return Err(AppError::Invalid {
            field: "email".into(),
            message: "an account with this email already exists".into(),
        });
    }
    let account = Account {
        id: AccountId::new(),
        email,
        name: name.as_str().to_owned(),
        role: input.role,
        dealership_id: input.dealership_id.clone(),
        language: input.language,
        status: AccountStatus::Pending,
        password_hash: None,
        created_at: now,
        updated_at: now,
        version: 0,
    };
    tx.insert_account(&account).await?;
    issue_link(&mut *tx, app, &account, TokenPurpose::Activation).await?;
    tx.append_audit(
        &audit(now, ctx, actor, "account.staff_created")
            .subject(account.id.to_string())
            .details(serde_json::json!({"role": account.role.as_str(), "dealership_id": account.dealership_id})),
    )
    .await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(account)
}

/// Disables an account: it cannot log in, and every session and token dies now.
#[tracing::instrument(skip_all, fields(account_id = %id))]
pub async fn disable_account(
    app: &App,
    ctx: &RequestContext,
    admin: &Account,
    id: &AccountId,
) -> AppResult<Account> {
    if &admin.id == id {
        return Err(AppError::Conflict(crate::refusal::Refusal::new(
            "own_account",
            "No puedes desactivar tu propia cuenta.",
            "You cannot disable your own account.",
        )));
    }
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let mut account = tx.find_account(id).await?.ok_or(AppError::NotFound)?;
    account.status = AccountStatus::Disabled;
    super::save_account(&mut *tx, &mut account, now).await?;
    let revoked = tx.revoke_sessions_for_account(id, None, now).await?;
    tx.invalidate_account_tokens(id, TokenPurpose::Activation, now)
        .await?;
    tx.invalidate_account_tokens(id, TokenPurpose::Reset, now)
        .await?;
    tx.append_audit(
        &audit(now, ctx, admin.id.to_string(), "account.disabled")
            .subject(id.to_string())
            .details(serde_json::json!({"sessions_revoked": revoked})),
    )
    .await?;
    tx.commit().await?;
    Ok(account)
}

/// Re-enables a disabled account (pending if it never set a password).
#[tracing::instrument(skip_all, fields(account_id = %id))]
pub async fn enable_account(
    app: &App,
    ctx: &RequestContext,
    admin: &Account,
    id: &AccountId,
) -> AppResult<Account> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let mut account = tx.find_account(id).await?.ok_or(AppError::NotFound)?;
    if account.status != AccountStatus::Disabled {
        return Err(AppError::Conflict(crate::refusal::Refusal::new(
            "account_not_disabled",
            "La cuenta no está desactivada.",
            "The account is not disabled.",
        )));
    }
    account.status = if account.password_hash.is_some() {
        AccountStatus::Active
    } else {
        AccountStatus::Pending
    };
    super::save_account(&mut *tx, &mut account, now).await?;
    tx.append_audit(
        &audit(now, ctx, admin.id.to_string(), "account.enabled").subject(id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(account)
}

/// Changes a staff member's role (and dealership). Never to or from CUSTOMER.
#[tracing::instrument(skip_all, fields(account_id = %id))]
pub async fn change_role(
    app: &App,
    ctx: &RequestContext,
    admin: &Account,
    id: &AccountId,
    role: Role,
    dealership_id: Option<DealershipId>,
) -> AppResult<Account> {
    Account::check_role_dealership(role, dealership_id.as_ref())?;
    if &admin.id == id {
        return Err(AppError::Conflict(crate::refusal::Refusal::new(
            "own_role",
            "No puedes cambiar tu propio rol.",
            "You cannot change your own role.",
        )));
    }
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let mut account = tx.find_account(id).await?.ok_or(AppError::NotFound)?;
    if account.role == Role::Customer || role == Role::Customer {
        return Err(AppError::Invalid {
            field: "role".into(),
            message: "customer accounts keep the CUSTOMER role".into(),
        });
    }
    if let Some(d) = &dealership_id {
        tx.find_dealership(d)
            .await?
            .ok_or_else(|| AppError::Invalid {
                field: "dealership_id".into(),
                message: "no such dealership".into(),
            })?;
    }
    let before = account.role;
    account.role = role;
    account.dealership_id = dealership_id;
    super::save_account(&mut *tx, &mut account, now).await?;
    // A role change takes effect at once: open sessions re-authenticate.
    tx.revoke_sessions_for_account(id, None, now).await?;
    tx.append_audit(
        &audit(now, ctx, admin.id.to_string(), "account.role_changed")
            .subject(id.to_string())
            .details(serde_json::json!({"from": before.as_str(), "to": role.as_str(), "dealership_id": account.dealership_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(account)
}

/// Accounts for the administration page.
pub async fn list_accounts(app: &App, role: Option<Role>) -> AppResult<Vec<Account>> {
    Ok(app.store.read().await?.list_accounts(role, 500).await?)
}
