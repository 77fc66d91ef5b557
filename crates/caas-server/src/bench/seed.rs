//! Data for `caas bench`: N customers, each with a registered sale (through
//! the real `register_sale` use case), an active account with one shared
//! password, a web session and an API token whose secrets the bench holds,
//! and a factory order id so factory webhooks have an order to move.

use caas_app::auth::bootstrap::InitialAdmin;
use caas_app::sales::{register_sale, SaleIn};
use caas_app::secrets::{hash_secret, random_token};
use caas_app::{App, RequestContext};
use caas_domain::account::{Account, AccountStatus};
use caas_domain::email::EmailAddress;
use caas_domain::ids::SessionId;
use caas_domain::order::OrderState;
use caas_domain::session::{Session, SessionKind};
use chrono::Duration;

/// One seeded customer, with the secrets a client would hold.
#[derive(Debug, Clone)]
pub struct SeededCustomer {
    /// Login email.
    pub email: String,
    /// `ord_…`.
    pub order_id: String,
    /// `fo_…` (the order is ORDERED).
    pub factory_order_id: String,
    /// Bearer token.
    pub api_secret: String,
    /// `caas_session` cookie value.
    pub web_secret: String,
}

/// Everything the scenarios use.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The customers.
    pub customers: Vec<SeededCustomer>,
    /// Every customer's password.
    pub password: String,
    /// The seller registering sales in the sale scenario.
    pub seller: Account,
    /// The seller's password.
    pub seller_password: String,
}

/// A valid sale for `email`.
pub fn sale_in(email: &str) -> SaleIn {
    SaleIn {
        customer_name: "Lucía Fernández Núñez".into(),
        document_type: "DNI".into(),
        document_number: "12345678Z".into(),
        email: email.into(),
        phone: "+34600111222".into(),
        language: "es".into(),
        address_line1: "Calle de Alcalá 100".into(),
        address_postal_code: "28009".into(),
        address_locality: "Madrid".into(),
        address_country: "ES".into(),
        delivery_line1: "Calle de Alcalá 100".into(),
        delivery_postal_code: "28009".into(),
        delivery_locality: "Madrid".into(),
        delivery_country: "ES".into(),
        platform_code: "SUV-E-26".into(),
        option_codes: vec!["HEAT_PUMP".into(), "DRIVER_ASSIST".into()],
        vehicle_price: "52900.00".into(),
        senal: "2000.00".into(),
        currency: "EUR".into(),
        maintenance_included: true,
        birth_date: Some("1988-07-02".into()),
        stock_vehicle_id: None,
    }
}

fn session(account: &Account, kind: SessionKind, secret: &str, app: &App) -> Session {
    let now = app.clock.now();
    Session {
        id: SessionId::new(),
        account_id: account.id.clone(),
        kind,
        secret_hash: hash_secret(secret),
        csrf_token: random_token(24),
        user_agent: "caas-bench".into(),
        created_at: now,
        expires_at: now + Duration::days(1),
        revoked_at: None,
    }
}

/// Seeds `n` customers, sold by the demo seller.
pub async fn seed(app: &App, login: &InitialAdmin, n: usize) -> anyhow::Result<Seeded> {
    let ctx = RequestContext::default();
    let seller = {
        let mut tx = app.store.read().await?;
        tx.find_account_by_email(&EmailAddress::parse(&login.email)?)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the demo seller is missing"))?
    };
    let password = "bench-password-1".to_owned();
    let phc = app.hasher.hash(password.clone()).await?;
    let mut customers = Vec::with_capacity(n);
    let mut orders = Vec::with_capacity(n);
    for i in 0..n {
        let email = format!("bench-{i}@bench.caas.local");
        let order = register_sale(app, &ctx, &seller, &sale_in(&email))
            .await
            .map_err(|e| anyhow::anyhow!("seeding sale {i}: {e}"))?;
        orders.push((email, order));
    }
    for chunk in orders.chunks(250) {
        let mut tx = app.store.begin().await?;
        for (email, order) in chunk {
            let mut account = tx
                .find_account(&order.customer_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("seeded account missing"))?;
            account.status = AccountStatus::Active;
            account.password_hash = Some(phc.clone());
            account.version += 1;
            if !tx.update_account(&account).await? {
                anyhow::bail!("seeded account {} changed meanwhile", account.id);
            }
            let (api_secret, web_secret) = (random_token(32), random_token(32));
            tx.insert_session(&session(&account, SessionKind::Api, &api_secret, app))
                .await?;
            tx.insert_session(&session(&account, SessionKind::Web, &web_secret, app))
                .await?;
            let mut o = order.clone();
            let factory_order_id = format!("fo_bench_{}", &o.id.as_str()[4..]);
            o.factory.factory_order_id = Some(factory_order_id.clone());
            o.factory.status = Some("accepted".into());
            o.factory.last_sequence = 1;
            o.state = OrderState::Ordered;
            o.version += 1;
            if !tx.update_order(&o).await? {
                anyhow::bail!("seeded order {} changed under the bench", o.id);
            }
            customers.push(SeededCustomer {
                email: email.clone(),
                order_id: o.id.to_string(),
                factory_order_id,
                api_secret,
                web_secret,
            });
        }
        tx.commit().await?;
    }
    Ok(Seeded {
        customers,
        password,
        seller,
        seller_password: login.password.clone(),
    })
}
