//! Fixtures shared by the store conformance test files (each file uses a subset).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use caas_domain::account::{Account, AccountStatus, Language, Role};
use caas_domain::clock::Clock;
use caas_domain::dealership::Dealership;
use caas_domain::email::EmailAddress;
use caas_domain::ids::{AccountId, AccountTokenId, DealershipId, EmailId, JobId, SessionId};
use caas_domain::job::NewJob;
use caas_domain::mail::{EmailState, OutboundEmail};
use caas_domain::ports::*;
use caas_domain::session::{AccountToken, Session, SessionKind, TokenPurpose};
use caas_store_tests::TestClock;
use chrono::{DateTime, SubsecRound, Utc};

/// The test's "now", from a [`TestClock`], truncated to whole microseconds:
/// PostgreSQL stores microseconds, so finer times would not round-trip.
pub fn start_time() -> DateTime<Utc> {
    TestClock::new().now().trunc_subsecs(6)
}

/// A random hex string standing in for a SHA-256 of a secret.
pub fn random_hash() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// A pending customer account (no dealership, no password) created at `at`.
pub fn customer(email: &str, at: DateTime<Utc>) -> Account {
    account(email, Role::Customer, None, at)
}

/// An account with the given role and dealership, created at `at`.
pub fn account(
    email: &str,
    role: Role,
    dealership: Option<&DealershipId>,
    at: DateTime<Utc>,
) -> Account {
    Account {
        id: AccountId::new(),
        email: EmailAddress::parse(email).expect("valid test email"),
        name: format!("Person {email}"),
        role,
        dealership_id: dealership.cloned(),
        language: Language::Es,
        status: AccountStatus::Pending,
        password_hash: None,
        created_at: at,
        updated_at: at,
    }
}

/// A dealership named `name`.
pub fn dealership(name: &str, at: DateTime<Utc>) -> Dealership {
    Dealership {
        id: DealershipId::new(),
        name: name.to_owned(),
        country: "ES".to_owned(),
        locality: format!("{name} town"),
        address: format!("Calle Mayor 1, {name}"),
        opening_hours: "L-V 9:00-20:00".to_owned(),
        created_at: at,
    }
}

/// Inserts and commits accounts.
pub async fn insert_accounts(store: &dyn Store, accounts: &[&Account]) {
    let mut tx = store.begin().await.unwrap();
    for a in accounts {
        tx.insert_account(a).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// Inserts and commits a dealership.
pub async fn insert_dealership(store: &dyn Store, d: &Dealership) {
    let mut tx = store.begin().await.unwrap();
    tx.insert_dealership(d).await.unwrap();
    tx.commit().await.unwrap();
}

/// Inserts and commits a fresh customer account, returning it.
pub async fn seeded_customer(store: &dyn Store, email: &str, at: DateTime<Utc>) -> Account {
    let a = customer(email, at);
    insert_accounts(store, &[&a]).await;
    a
}

/// A web session of `owner`, not revoked.
pub fn session(owner: &AccountId, created_at: DateTime<Utc>, expires_at: DateTime<Utc>) -> Session {
    Session {
        id: SessionId::new(),
        account_id: owner.clone(),
        kind: SessionKind::Web,
        secret_hash: random_hash(),
        csrf_token: uuid::Uuid::new_v4().simple().to_string(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0".to_owned(),
        created_at,
        expires_at,
        revoked_at: None,
    }
}

/// Inserts and commits sessions.
pub async fn insert_sessions(store: &dyn Store, sessions: &[&Session]) {
    let mut tx = store.begin().await.unwrap();
    for s in sessions {
        tx.insert_session(s).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// An unused emailed-link token of `owner`, valid for a day.
pub fn token(owner: &AccountId, purpose: TokenPurpose, at: DateTime<Utc>) -> AccountToken {
    AccountToken {
        id: AccountTokenId::new(),
        account_id: owner.clone(),
        purpose,
        secret_hash: random_hash(),
        created_at: at,
        expires_at: at + chrono::Duration::days(1),
        used_at: None,
    }
}

/// A job of kind `kind` due at `run_at`, three attempts allowed.
pub fn new_job(kind: &str, run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        id: JobId::new(),
        kind: kind.to_owned(),
        payload: serde_json::json!({ "kind": kind, "nested": { "n": 42, "list": [1, "two", null] } }),
        run_at,
        max_attempts: 3,
    }
}

/// Enqueues and commits jobs, stamped `now`.
pub async fn enqueue(store: &dyn Store, jobs: &[&NewJob], now: DateTime<Utc>) {
    let mut tx = store.begin().await.unwrap();
    for j in jobs {
        tx.enqueue_job(j, now).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// A pending outbox email to `to`.
pub fn email(to: &str, subject: &str, at: DateTime<Utc>) -> OutboundEmail {
    OutboundEmail {
        id: EmailId::new(),
        to: EmailAddress::parse(to).expect("valid test email"),
        subject: subject.to_owned(),
        body_text: format!("Hola,\n\n{subject}\n"),
        body_html: format!("<p>Hola,</p><p>{subject}</p>"),
        template: "activation".to_owned(),
        language: "es".to_owned(),
        state: EmailState::Pending,
        created_at: at,
        sent_at: None,
        last_error: None,
        notification_id: None,
        category: Some("credentials".to_owned()),
    }
}
