//! Row structs (one per table) and their conversion into domain values.

use caas_domain::account::{Account, AccountStatus, Language, Role};
use caas_domain::audit::AuditEntry;
use caas_domain::dealership::Dealership;
use caas_domain::email::EmailAddress;
use caas_domain::ids::{
    AccountId, AccountTokenId, AuditId, DealershipId, EmailId, JobId, SessionId,
};
use caas_domain::job::{Job, JobState};
use caas_domain::mail::{EmailState, OutboundEmail};
use caas_domain::ports::StoreError;
use caas_domain::session::{AccountToken, Session, SessionKind, TokenPurpose};
use chrono::{DateTime, Utc};

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// `accounts` row.
#[derive(Debug, sqlx::FromRow)]
pub struct AccountRow {
    /// id
    pub id: String,
    /// email
    pub email: String,
    /// name
    pub name: String,
    /// role
    pub role: String,
    /// dealership_id
    pub dealership_id: Option<String>,
    /// language
    pub language: String,
    /// status
    pub status: String,
    /// password_hash
    pub password_hash: Option<String>,
    /// created_at
    pub created_at: DateTime<Utc>,
    /// updated_at
    pub updated_at: DateTime<Utc>,
    /// version
    pub version: i64,
}

impl TryFrom<AccountRow> for Account {
    type Error = StoreError;
    fn try_from(r: AccountRow) -> Result<Self, StoreError> {
        Ok(Account {
            id: AccountId::parse(&r.id).map_err(|e| corrupt("accounts.id", e))?,
            email: EmailAddress::parse(&r.email).map_err(|e| corrupt("accounts.email", e))?,
            name: r.name,
            role: Role::parse(&r.role).map_err(|e| corrupt("accounts.role", e))?,
            dealership_id: r
                .dealership_id
                .map(|d| DealershipId::parse(&d))
                .transpose()
                .map_err(|e| corrupt("accounts.dealership_id", e))?,
            language: Language::parse(&r.language).map_err(|e| corrupt("accounts.language", e))?,
            status: AccountStatus::parse(&r.status).map_err(|e| corrupt("accounts.status", e))?,
            password_hash: r.password_hash,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

/// `dealerships` row.
#[derive(Debug, sqlx::FromRow)]
pub struct DealershipRow {
    /// id
    pub id: String,
    /// name
    pub name: String,
    /// country
    pub country: String,
    /// locality
    pub locality: String,
    /// address
    pub address: String,
    /// opening_hours
    pub opening_hours: String,
    /// created_at
    pub created_at: DateTime<Utc>,
}

impl TryFrom<DealershipRow> for Dealership {
    type Error = StoreError;
    fn try_from(r: DealershipRow) -> Result<Self, StoreError> {
        Ok(Dealership {
            id: DealershipId::parse(&r.id).map_err(|e| corrupt("dealerships.id", e))?,
            name: r.name,
            country: r.country,
            locality: r.locality,
            address: r.address,
            opening_hours: r.opening_hours,
            created_at: r.created_at,
        })
    }
}

/// `sessions` row.
#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    /// id
    pub id: String,
    /// account_id
    pub account_id: String,
    /// kind
    pub kind: String,
    /// secret_hash
    pub secret_hash: String,
    /// csrf_token
    pub csrf_token: String,
    /// user_agent
    pub user_agent: String,
    /// created_at
    pub created_at: DateTime<Utc>,
    /// expires_at
    pub expires_at: DateTime<Utc>,
    /// revoked_at
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TryFrom<SessionRow> for Session {
    type Error = StoreError;
    fn try_from(r: SessionRow) -> Result<Self, StoreError> {
        Ok(Session {
            id: SessionId::parse(&r.id).map_err(|e| corrupt("sessions.id", e))?,
            account_id: AccountId::parse(&r.account_id)
                .map_err(|e| corrupt("sessions.account_id", e))?,
            kind: SessionKind::parse(&r.kind),
            secret_hash: r.secret_hash,
            csrf_token: r.csrf_token,
            user_agent: r.user_agent,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
        })
    }
}

/// A `sessions` row joined with its account (`a_`-prefixed columns).
#[derive(Debug, sqlx::FromRow)]
pub struct SessionAccountRow {
    /// The session.
    #[sqlx(flatten)]
    pub session: SessionRow,
    /// accounts.email
    pub a_email: String,
    /// accounts.name
    pub a_name: String,
    /// accounts.role
    pub a_role: String,
    /// accounts.dealership_id
    pub a_dealership_id: Option<String>,
    /// accounts.language
    pub a_language: String,
    /// accounts.status
    pub a_status: String,
    /// accounts.password_hash
    pub a_password_hash: Option<String>,
    /// accounts.created_at
    pub a_created_at: DateTime<Utc>,
    /// accounts.updated_at
    pub a_updated_at: DateTime<Utc>,
    /// accounts.version
    pub a_version: i64,
}

impl TryFrom<SessionAccountRow> for (Session, Account) {
    type Error = StoreError;
    fn try_from(r: SessionAccountRow) -> Result<Self, StoreError> {
        let account = Account::try_from(AccountRow {
            id: r.session.account_id.clone(),
            email: r.a_email,
            name: r.a_name,
            role: r.a_role,
            dealership_id: r.a_dealership_id,
            language: r.a_language,
            status: r.a_status,
            password_hash: r.a_password_hash,
            created_at: r.a_created_at,
            updated_at: r.a_updated_at,
            version: r.a_version,
        })?;
        Ok((Session::try_from(r.session)?, account))
    }
}

/// `account_tokens` row.
#[derive(Debug, sqlx::FromRow)]
pub struct AccountTokenRow {
    /// id
    pub id: String,
    /// account_id
    pub account_id: String,
    /// purpose
    pub purpose: String,
    /// secret_hash
    pub secret_hash: String,
    /// created_at
    pub created_at: DateTime<Utc>,
    /// expires_at
    pub expires_at: DateTime<Utc>,
    /// used_at
    pub used_at: Option<DateTime<Utc>>,
}

impl TryFrom<AccountTokenRow> for AccountToken {
    type Error = StoreError;
    fn try_from(r: AccountTokenRow) -> Result<Self, StoreError> {
        Ok(AccountToken {
            id: AccountTokenId::parse(&r.id).map_err(|e| corrupt("account_tokens.id", e))?,
            account_id: AccountId::parse(&r.account_id)
                .map_err(|e| corrupt("account_tokens.account_id", e))?,
            purpose: TokenPurpose::parse(&r.purpose)
                .ok_or_else(|| corrupt("account_tokens.purpose", &r.purpose))?,
            secret_hash: r.secret_hash,
            created_at: r.created_at,
            expires_at: r.expires_at,
            used_at: r.used_at,
        })
    }
}

/// `audit_log` row.
#[derive(Debug, sqlx::FromRow)]
pub struct AuditRow {
    /// id
    pub id: String,
    /// at
    pub at: DateTime<Utc>,
    /// actor
    pub actor: String,
    /// action
    pub action: String,
    /// subject
    pub subject: Option<String>,
    /// details (JSON text)
    pub details: String,
    /// request_id
    pub request_id: Option<String>,
    /// ip
    pub ip: Option<String>,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;
    fn try_from(r: AuditRow) -> Result<Self, StoreError> {
        Ok(AuditEntry {
            id: AuditId::parse(&r.id).map_err(|e| corrupt("audit_log.id", e))?,
            at: r.at,
            actor: r.actor,
            action: r.action,
            subject: r.subject,
            details: serde_json::from_str(&r.details)
                .map_err(|e| corrupt("audit_log.details", e))?,
            request_id: r.request_id,
            ip: r.ip,
        })
    }
}

/// `jobs` row.
#[derive(Debug, sqlx::FromRow)]
pub struct JobRow {
    /// id
    pub id: String,
    /// kind
    pub kind: String,
    /// payload (JSON text)
    pub payload: String,
    /// state
    pub state: String,
    /// attempts
    pub attempts: i32,
    /// max_attempts
    pub max_attempts: i32,
    /// run_at
    pub run_at: DateTime<Utc>,
    /// locked_until
    pub locked_until: Option<DateTime<Utc>>,
    /// lock_token
    pub lock_token: Option<String>,
    /// last_error
    pub last_error: Option<String>,
    /// created_at
    pub created_at: DateTime<Utc>,
    /// updated_at
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;
    fn try_from(r: JobRow) -> Result<Self, StoreError> {
        Ok(Job {
            id: JobId::parse(&r.id).map_err(|e| corrupt("jobs.id", e))?,
            kind: r.kind,
            payload: serde_json::from_str(&r.payload).map_err(|e| corrupt("jobs.payload", e))?,
            state: JobState::parse(&r.state).ok_or_else(|| corrupt("jobs.state", &r.state))?,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            run_at: r.run_at,
            locked_until: r.locked_until,
            lock_token: r.lock_token,
            last_error: r.last_error,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// `emails` row.
#[derive(Debug, sqlx::FromRow)]
pub struct EmailRow {
    /// id
    pub id: String,
    /// to_addr
    pub to_addr: String,
    /// subject
    pub subject: String,
    /// body_text
    pub body_text: String,
    /// body_html
    pub body_html: String,
    /// template
    pub template: String,
    /// language
    pub language: String,
    /// state
    pub state: String,
    /// created_at
    pub created_at: DateTime<Utc>,
    /// sent_at
    pub sent_at: Option<DateTime<Utc>>,
    /// last_error
    pub last_error: Option<String>,
    /// notification_id
    pub notification_id: Option<String>,
    /// category
    pub category: Option<String>,
}

impl TryFrom<EmailRow> for OutboundEmail {
    type Error = StoreError;
    fn try_from(r: EmailRow) -> Result<Self, StoreError> {
        Ok(OutboundEmail {
            id: EmailId::parse(&r.id).map_err(|e| corrupt("emails.id", e))?,
            to: EmailAddress::parse(&r.to_addr).map_err(|e| corrupt("emails.to_addr", e))?,
            subject: r.subject,
            body_text: r.body_text,
            body_html: r.body_html,
            template: r.template,
            language: r.language,
            state: EmailState::parse(&r.state).ok_or_else(|| corrupt("emails.state", &r.state))?,
            created_at: r.created_at,
            sent_at: r.sent_at,
            last_error: r.last_error,
            notification_id: r.notification_id,
            category: r.category,
        })
    }
}

/// Converts a vector of rows.
pub fn convert_all<R, T>(rows: Vec<R>) -> Result<Vec<T>, StoreError>
where
    T: TryFrom<R, Error = StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}

pub use crate::documents::{from_doc, from_docs, order_file, to_doc, ORDER_FILE_SQL};
