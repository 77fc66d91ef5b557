//! The first administrator, created on first start.

use super::audit;
use crate::context::RequestContext;
use crate::error::AppResult;
use crate::secrets::random_token;
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

/// Inserts an active account with a random password and audits it, in `tx`;
/// returns the login to show once.
async fn insert_active_account(
    tx: &mut dyn caas_domain::ports::Tx,
    app: &App,
    email: EmailAddress,
    name: &str,
    role: Role,
    dealership_id: Option<caas_domain::ids::DealershipId>,
    action: &str,
) -> AppResult<InitialAdmin> {
    let password = random_token(15);
    let now = app.clock.now();
    let account = Account {
        id: AccountId::new(),
        email: email.clone(),
        name: name.into(),
        role,
        dealership_id,
        language: Language::Es,
        status: AccountStatus::Active,
        password_hash: Some(app.hasher.hash(password.clone()).await?),
        created_at: now,
        updated_at: now,
        version: 0,
    };
    tx.insert_account(&account).await?;
    tx.append_audit(
        &audit(now, &RequestContext::default(), "system", action).subject(account.id.to_string()),
    )
    .await?;
    Ok(InitialAdmin {
        email: email.to_string(),
        password,
    })
}

/// Creates an active ADMIN with a random password if no ADMIN exists yet.
pub async fn ensure_first_admin(app: &App, email: &str) -> AppResult<Option<InitialAdmin>> {
    let email = EmailAddress::parse(email)?;
    let mut tx = app.store.begin().await?;
    if tx.count_accounts_by_role(Role::Admin).await? > 0 {
        return Ok(None);
    }
    let login = insert_active_account(
        &mut *tx,
        app,
        email,
        "Administrator",
        Role::Admin,
        None,
        "account.first_admin_created",
    )
    .await?;
    tx.commit().await?;
    Ok(Some(login))
}

/// For the embedded demo: when no dealership exists, creates one (Madrid)
/// and an active SALES employee with a random password, shown once, so a
/// sale can be registered right away.
pub async fn ensure_demo_dealership(app: &App) -> AppResult<Option<InitialAdmin>> {
    let mut tx = app.store.begin().await?;
    if !tx.list_dealerships().await?.is_empty() {
        return Ok(None);
    }
    let dealership = caas_domain::dealership::Dealership {
        id: caas_domain::ids::DealershipId::new(),
        name: "Concesionario Demo Madrid".into(),
        country: "ES".into(),
        locality: "Madrid".into(),
        address: "Paseo de la Castellana 100, 28046 Madrid".into(),
        opening_hours: "L-V 9:00-20:00, S 10:00-14:00".into(),
        created_at: app.clock.now(),
    };
    tx.insert_dealership(&dealership).await?;
    let email = EmailAddress::parse("ventas@caas.local")?;
    let login = insert_active_account(
        &mut *tx,
        app,
        email,
        "Vendedor Demo",
        Role::Sales,
        Some(dealership.id.clone()),
        "account.demo_seller_created",
    )
    .await?;
    tx.commit().await?;
    Ok(Some(login))
}
