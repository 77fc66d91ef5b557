//! Port traits implemented by the storage crates. Every method that reads
//! customer-owned data takes the owner and scopes the query with it.

use crate::account::{Account, Role};
use crate::audit::AuditEntry;
use crate::dealership::Dealership;
use crate::email::EmailAddress;
use crate::ids::{AccountId, AccountTokenId, DealershipId, EmailId, JobId, OrderId, SessionId};
use crate::job::{Job, JobState, NewJob};
use crate::mail::{EmailState, OutboundEmail};
mod delivery;
mod orders;
mod purchases;
mod support;
mod vss_cache;

use crate::session::{AccountToken, Session, TokenPurpose};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
pub use delivery::*;
pub use orders::*;
pub use purchases::*;
pub use support::*;
use thiserror::Error;
pub use vss_cache::*;

/// Failure of a storage operation.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A uniqueness or foreign-key constraint refused the write.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Stored data could not be turned back into domain values.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database failed or is unreachable.
    #[error("database: {0}")]
    Backend(String),
    /// No connection became free in time: the database is overloaded.
    #[error("database busy: {0}")]
    Busy(String),
    /// The task asked for a second connection while holding one. Refused at
    /// once: waiting would deadlock the pool once every connection is held
    /// by a task waiting for another. Pass the open transaction down instead.
    #[error("a database connection is already held by this task; pass its transaction down instead of opening another")]
    Nested,
}

/// What a committed write changed, for the in-memory caches of every
/// instance: published after the commit (and, on PostgreSQL, by `NOTIFY`
/// to the other instances).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Invalidation {
    /// An account or its sessions (status, password, language, revocation).
    Account(AccountId),
    /// An order or anything shown with it (timeline, estimates, payments, invoices).
    Order(OrderId),
    /// Platforms or options.
    Catalogue,
    /// Anything: notifications may have been missed.
    All,
}

impl Invalidation {
    /// Compact text form (`a:acc_…`, `o:ord_…`, `c`, `*`), the `NOTIFY` payload.
    pub fn to_wire(&self) -> String {
        match self {
            Invalidation::Account(id) => format!("a:{id}"),
            Invalidation::Order(id) => format!("o:{id}"),
            Invalidation::Catalogue => "c".into(),
            Invalidation::All => "*".into(),
        }
    }

    /// Parses [`Invalidation::to_wire`]; anything unreadable means [`Invalidation::All`].
    pub fn from_wire(s: &str) -> Self {
        let parsed = match s.split_once(':') {
            Some(("a", id)) => AccountId::parse(id).ok().map(Invalidation::Account),
            Some(("o", id)) => OrderId::parse(id).ok().map(Invalidation::Order),
            _ if s == "c" => Some(Invalidation::Catalogue),
            _ => None,
        };
        parsed.unwrap_or(Invalidation::All)
    }
}

/// Receives every [`Invalidation`] after its commit.
pub type InvalidationHandler = std::sync::Arc<dyn Fn(&Invalidation) + Send + Sync>;

/// Shorthand result.
pub type StoreResult<T> = Result<T, StoreError>;

/// The database: opens transactions and claims jobs.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend_name(&self) -> &'static str;
    /// A read-write transaction; dropped without commit it rolls back.
    async fn begin(&self) -> StoreResult<Box<dyn Tx>>;
    /// A read-only transaction with one snapshot for all its statements (on
    /// SQLite, served by the reader pool).
    async fn read(&self) -> StoreResult<Box<dyn Tx>>;
    /// A connection outside any transaction, for a read of one statement
    /// (each statement sees its own snapshot; saves `BEGIN` and `ROLLBACK`).
    /// Writes through it are refused on SQLite; do not write through it.
    async fn single_read(&self) -> StoreResult<Box<dyn Tx>>;
    /// Registers a handler for the invalidations of every commit made through
    /// this store, its siblings and (PostgreSQL) other instances.
    fn subscribe(&self, handler: InvalidationHandler);
    /// A store on the same database and invalidation bus with connections of
    /// its own (`connections` of them where the engine allows), so one
    /// workload (the job runner) cannot be starved by another (web requests).
    async fn sibling(&self, connections: u32) -> StoreResult<std::sync::Arc<dyn Store>>;
    /// Database reachable and every embedded migration applied.
    async fn ready(&self) -> StoreResult<()>;
    /// Claims the next due job (queued and due, or running with an expired
    /// lease), setting a fresh lease and fencing token. Safe under concurrency.
    async fn claim_job(&self, now: DateTime<Utc>, lease: Duration) -> StoreResult<Option<Job>>;
    /// Closes the pools.
    async fn close(&self);
}

/// Everything a transaction can do.
#[async_trait]
pub trait Tx:
    AccountRepo
    + DealershipRepo
    + SessionRepo
    + AccountTokenRepo
    + LoginAttemptRepo
    + AuditRepo
    + JobRepo
    + MailRepo
    + CatalogueRepo
    + CustomerRepo
    + OrderRepo
    + PaymentRepo
    + RefundRepo
    + PurchaseRepo
    + ServiceInvoiceRepo
    + TimelineRepo
    + InboundRepo
    + NotificationRepo
    + delivery::VehicleRepo
    + VssCacheRepo
    + CorrectionRepo
    + SupportCaseRepo
    + Send
{
    /// Commits every write of the transaction.
    async fn commit(self: Box<Self>) -> StoreResult<()>;
}

/// Accounts.
#[async_trait]
pub trait AccountRepo {
    /// Inserts; a duplicate email is a [`StoreError::Conflict`].
    async fn insert_account(&mut self, a: &Account) -> StoreResult<()>;
    /// Writes every mutable field of `a` if the stored version is
    /// `a.version - 1`; `false` (nothing written) when another writer got
    /// there first (an administrator disabling the account while its owner
    /// changes the password must not be undone by the second write).
    async fn update_account(&mut self, a: &Account) -> StoreResult<bool>;
    /// By id.
    async fn find_account(&mut self, id: &AccountId) -> StoreResult<Option<Account>>;
    /// By (normalised) email.
    async fn find_account_by_email(&mut self, email: &EmailAddress)
        -> StoreResult<Option<Account>>;
    /// All accounts, optionally of one role, newest first.
    async fn list_accounts(&mut self, role: Option<Role>, limit: i64) -> StoreResult<Vec<Account>>;
    /// How many accounts have this role.
    async fn count_accounts_by_role(&mut self, role: Role) -> StoreResult<i64>;
}

/// Dealerships.
#[async_trait]
pub trait DealershipRepo {
    /// Inserts.
    async fn insert_dealership(&mut self, d: &Dealership) -> StoreResult<()>;
    /// By id.
    async fn find_dealership(&mut self, id: &DealershipId) -> StoreResult<Option<Dealership>>;
    /// All, by name.
    async fn list_dealerships(&mut self) -> StoreResult<Vec<Dealership>>;
}

/// Web sessions and API tokens.
#[async_trait]
pub trait SessionRepo {
    /// Inserts.
    async fn insert_session(&mut self, s: &Session) -> StoreResult<()>;
    /// By the hash of the client's secret (any owner: this is how a secret is resolved).
    async fn find_session_by_secret_hash(&mut self, hash: &str) -> StoreResult<Option<Session>>;
    /// As [`SessionRepo::find_session_by_secret_hash`], with its account, in one statement.
    async fn find_session_with_account(
        &mut self,
        hash: &str,
    ) -> StoreResult<Option<(Session, Account)>>;
    /// One session of `owner`; another owner's session is `None`.
    async fn find_session_for_account(
        &mut self,
        owner: &AccountId,
        id: &SessionId,
    ) -> StoreResult<Option<Session>>;
    /// Live sessions of `owner` at `now`, newest first.
    async fn list_live_sessions_for_account(
        &mut self,
        owner: &AccountId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Session>>;
    /// Revokes one session of `owner`; returns whether a live one was revoked.
    async fn revoke_session_for_account(
        &mut self,
        owner: &AccountId,
        id: &SessionId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Revokes every live session of `owner` except `keep`; returns how many.
    async fn revoke_sessions_for_account(
        &mut self,
        owner: &AccountId,
        keep: Option<&SessionId>,
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;
}

/// Single-use emailed link tokens.
#[async_trait]
pub trait AccountTokenRepo {
    /// Inserts.
    async fn insert_account_token(&mut self, t: &AccountToken) -> StoreResult<()>;
    /// By the hash of the secret in the link.
    async fn find_account_token_by_hash(&mut self, hash: &str)
        -> StoreResult<Option<AccountToken>>;
    /// Marks a token used if still unused; false if it was already used.
    async fn consume_account_token(
        &mut self,
        id: &AccountTokenId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Marks every unused token of that purpose for the account as used.
    async fn invalidate_account_tokens(
        &mut self,
        owner: &AccountId,
        purpose: TokenPurpose,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
}

/// Login attempts, for throttling.
#[async_trait]
pub trait LoginAttemptRepo {
    /// Records one attempt.
    async fn record_login_attempt(
        &mut self,
        email: &str,
        ip: &str,
        succeeded: bool,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Failed attempts for an email since `since`.
    async fn count_failed_logins_for_email(
        &mut self,
        email: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Failed attempts from a client address since `since`.
    async fn count_failed_logins_for_ip(
        &mut self,
        ip: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<i64>;
}

/// The append-only audit log: no update or delete exists.
#[async_trait]
pub trait AuditRepo {
    /// Appends an entry.
    async fn append_audit(&mut self, e: &AuditEntry) -> StoreResult<()>;
    /// Newest entries, optionally about one subject.
    async fn list_audit(
        &mut self,
        subject: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>>;
}

/// Durable jobs (outbox): enqueued in the caller's transaction.
#[async_trait]
pub trait JobRepo {
    /// Enqueues; it becomes visible only if the transaction commits. With a
    /// dedupe key it merges into a waiting, unattempted job of the same key.
    async fn enqueue_job(&mut self, j: &NewJob, now: DateTime<Utc>) -> StoreResult<()>;
    /// Enqueues several jobs in as few statements as the engine allows.
    async fn enqueue_jobs(&mut self, jobs: &[NewJob], now: DateTime<Utc>) -> StoreResult<()>;
    /// By id.
    async fn find_job(&mut self, id: &JobId) -> StoreResult<Option<Job>>;
    /// Newest first, optionally in one state.
    async fn list_jobs(&mut self, state: Option<JobState>, limit: i64) -> StoreResult<Vec<Job>>;
    /// Count per state.
    async fn count_jobs_by_state(&mut self) -> StoreResult<Vec<(JobState, i64)>>;
    /// Queued jobs per kind (due or not).
    async fn count_queued_jobs_by_kind(&mut self) -> StoreResult<Vec<(String, i64)>>;
    /// Marks a claimed job succeeded if `lock_token` still holds the claim.
    async fn finish_job(
        &mut self,
        id: &JobId,
        lock_token: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Records a failure of the claim `lock_token`: requeue at `retry_at`, or dead if `None`.
    async fn fail_job(
        &mut self,
        id: &JobId,
        lock_token: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Operator action: a dead or queued job runs now, with one more attempt allowed.
    async fn retry_job_now(&mut self, id: &JobId, now: DateTime<Utc>) -> StoreResult<bool>;
}

/// The email outbox.
#[async_trait]
pub trait MailRepo {
    /// Inserts.
    async fn insert_email(&mut self, e: &OutboundEmail) -> StoreResult<()>;
    /// By id.
    async fn find_email(&mut self, id: &EmailId) -> StoreResult<Option<OutboundEmail>>;
    /// Newest first.
    async fn list_emails(&mut self, limit: i64) -> StoreResult<Vec<OutboundEmail>>;
    /// Records the delivery outcome.
    async fn set_email_state(
        &mut self,
        id: &EmailId,
        state: EmailState,
        at: DateTime<Utc>,
        error: Option<&str>,
    ) -> StoreResult<()>;
}

/// Failure reported by a partner adapter (mail, SMS…).
#[derive(Debug, Error)]
pub enum PartnerError {
    /// Worth retrying later (timeouts, 5xx, connection refused).
    #[error("transient: {0}")]
    Transient(String),
    /// Will not succeed if repeated (bad address, rejected by policy).
    #[error("permanent: {0}")]
    Permanent(String),
}

/// Delivers outbox email (SMTP in production; see `caas-partners`).
#[async_trait]
pub trait MailSender: Send + Sync + 'static {
    /// Hands one message to the mail server.
    async fn send(&self, email: &OutboundEmail) -> Result<(), PartnerError>;
}
