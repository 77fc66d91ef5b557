//! The first administrator, created on first start.

use super::audit;
use crate::context::RequestContext;
use crate::error::AppResult;
use crate::secrets::{hash_password, random_token};
use crate::App;
use caas_domain::account::{Account, AccountStatus, Language, Role};
use caas_domain::email::EmailAddress;
use caas_domain::ids::AccountId;

/// Login of a freshly created administrator, shown once.
#[derive(Debug, Clone)]
pub struct InitialAdmin {
    /// Login email.
    pub email: String,
    /// Generated password (never stored in clear, never logged).
    pub password: String,
}

/// Creates an active ADMIN with a random password if no ADMIN exists yet.
pub async fn ensure_first_admin(app: &App, email: &str) -> AppResult<Option<InitialAdmin>> {
    let email = EmailAddress::parse(email)?;
    let mut tx = app.store.begin().await?;
    if tx.count_accounts_by_role(Role::Admin).await? > 0 {
        return Ok(None);
    }
    let password = random_token(15);
    let now = app.clock.now();
    let account = Account {
        id: AccountId::new(),
        email: email.clone(),
        name: "Administrator".into(),
        role: Role::Admin,
        dealership_id: None,
        language: Language::Es,
        status: AccountStatus::Active,
        password_hash: Some(hash_password(password.clone()).await?),
        created_at: now,
        updated_at: now,
    };
    tx.insert_account(&account).await?;
    tx.append_audit(
        &audit(
            now,
            &RequestContext::default(),
            "system",
            "account.first_admin_created",
        )
        .subject(account.id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(InitialAdmin {
        email: email.to_string(),
        password,
    }))
}

/// For the embedded demo: when no dealership exists, creates one (Madrid)
/// and an active SALES employee with a random password, shown once, so a
/// sale can be registered right away.
pub async fn ensure_demo_dealership(app: &App) -> AppResult<Option<InitialAdmin>> {
    let mut tx = app.store.begin().await?;
    if !tx.list_dealerships().await?.is_empty() {
        return Ok(None);
    }
    let now = app.clock.now();
    let dealership = caas_domain::dealership::Dealership {
        id: caas_domain::ids::DealershipId::new(),
        name: "Concesionario Demo Madrid".into(),
        country: "ES".into(),
        locality: "Madrid".into(),
        address: "Paseo de la Castellana 100, 28046 Madrid".into(),
        opening_hours: "L-V 9:00-20:00, S 10:00-14:00".into(),
        created_at: now,
    };
    tx.insert_dealership(&dealership).await?;
    let password = random_token(15);
    let email = EmailAddress::parse("ventas@caas.local")?;
    let account = Account {
        id: AccountId::new(),
        email: email.clone(),
        name: "Vendedor Demo".into(),
        role: Role::Sales,
        dealership_id: Some(dealership.id.clone()),
        language: Language::Es,
        status: AccountStatus::Active,
        password_hash: Some(hash_password(password.clone()).await?),
        created_at: now,
        updated_at: now,
    };
    tx.insert_account(&account).await?;
    tx.append_audit(
        &audit(
            now,
            &RequestContext::default(),
            "system",
            "account.demo_seller_created",
        )
        .subject(account.id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(InitialAdmin {
        email: email.to_string(),
        password,
    }))
}
