//! One implementation of every repository port, shared by both backends.
//! `impl_repos!(MyTx)` expects `MyTx` to hold `tx: Conn<Db>` (see [`crate::conn`]) and
//! `st: TxState`, where writes note what they change for the caches.

mod events;
mod orders;
mod purchases;
mod refunds;
mod service_invoices;
mod support;
mod vehicles;
mod vss_cache;

/// Implements every repository port for a backend transaction type.
#[macro_export]
macro_rules! impl_repos {
    ($tx:ty) => {
        const _: () = {
            use $crate::__rt::caas_domain::account::{Account, Role};
            use $crate::__rt::caas_domain::audit::AuditEntry;
            use $crate::__rt::caas_domain::dealership::Dealership;
            use $crate::__rt::caas_domain::email::EmailAddress;
            use $crate::__rt::caas_domain::ids::{AccountId, AccountTokenId, DealershipId, EmailId, JobId, SessionId};
            use $crate::__rt::caas_domain::job::{Job, JobState, NewJob};
            use $crate::__rt::caas_domain::mail::{EmailState, OutboundEmail};
            use $crate::__rt::caas_domain::ports::*;
            use $crate::__rt::caas_domain::session::{AccountToken, Session, TokenPurpose};
            use $crate::__rt::chrono::{DateTime, Utc};
            use $crate::__rt::sqlx;
            use $crate::map_err;
            use $crate::rows::*;

            const ACCOUNT_COLS: &str = "id, email, name, role, dealership_id, language, status, password_hash, created_at, updated_at, version";
            const SESSION_COLS: &str = "id, account_id, kind, secret_hash, csrf_token, user_agent, created_at, expires_at, revoked_at";

            #[$crate::__rt::async_trait]
            impl AccountRepo for $tx {
                async fn insert_account(&mut self, a: &Account) -> StoreResult<()> {
                    sqlx::query("INSERT INTO accounts (id, email, name, role, dealership_id, language, status, password_hash, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                        .bind(a.id.as_str()).bind(a.email.as_str()).bind(&a.name).bind(a.role.as_str())
                        .bind(a.dealership_id.as_ref().map(|d| d.as_str())).bind(a.language.as_str())
                        .bind(a.status.as_str()).bind(a.password_hash.as_deref()).bind(a.created_at).bind(a.updated_at).bind(a.version)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn update_account(&mut self, a: &Account) -> StoreResult<bool> {
                    self.st.note(Invalidation::Account(a.id.clone()));
                    let r = sqlx::query("UPDATE accounts SET email = $2, name = $3, role = $4, dealership_id = $5, language = $6, status = $7, password_hash = $8, updated_at = $9, version = $10 WHERE id = $1 AND version = $11")
                        .bind(a.id.as_str()).bind(a.email.as_str()).bind(&a.name).bind(a.role.as_str())
                        .bind(a.dealership_id.as_ref().map(|d| d.as_str())).bind(a.language.as_str())
                        .bind(a.status.as_str()).bind(a.password_hash.as_deref()).bind(a.updated_at)
                        .bind(a.version).bind(a.version - 1)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn find_account(&mut self, id: &AccountId) -> StoreResult<Option<Account>> {
                    let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = $1");
                    let row: Option<AccountRow> = sqlx::query_as(&sql).bind(id.as_str())
                        .fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(Account::try_from).transpose()
                }

                async fn find_account_by_email(&mut self, email: &EmailAddress) -> StoreResult<Option<Account>> {
                    let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE email = $1");
                    let row: Option<AccountRow> = sqlx::query_as(&sql).bind(email.as_str())
                        .fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(Account::try_from).transpose()
                }

                async fn list_accounts(&mut self, role: Option<Role>, limit: i64) -> StoreResult<Vec<Account>> {
                    let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE ($1 IS NULL OR role = $1) ORDER BY created_at DESC, id DESC LIMIT $2");
                    let rows: Vec<AccountRow> = sqlx::query_as(&sql).bind(role.map(|r| r.as_str())).bind(limit)
                        .fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    convert_all(rows)
                }

                async fn count_accounts_by_role(&mut self, role: Role) -> StoreResult<i64> {
                    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts WHERE role = $1")
                        .bind(role.as_str()).fetch_one(&mut *self.tx).await.map_err(map_err)?;
                    Ok(n)
                }
            }

            #[$crate::__rt::async_trait]
            impl DealershipRepo for $tx {
                async fn insert_dealership(&mut self, d: &Dealership) -> StoreResult<()> {
                    sqlx::query("INSERT INTO dealerships (id, name, country, locality, address, opening_hours, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(d.id.as_str()).bind(&d.name).bind(&d.country).bind(&d.locality).bind(&d.address).bind(&d.opening_hours).bind(d.created_at)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn find_dealership(&mut self, id: &DealershipId) -> StoreResult<Option<Dealership>> {
                    let row: Option<DealershipRow> = sqlx::query_as("SELECT id, name, country, locality, address, opening_hours, created_at FROM dealerships WHERE id = $1")
                        .bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(Dealership::try_from).transpose()
                }

                async fn list_dealerships(&mut self) -> StoreResult<Vec<Dealership>> {
                    let rows: Vec<DealershipRow> = sqlx::query_as("SELECT id, name, country, locality, address, opening_hours, created_at FROM dealerships ORDER BY name, id")
                        .fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    convert_all(rows)
                }
            }

            #[$crate::__rt::async_trait]
            impl SessionRepo for $tx {
                async fn insert_session(&mut self, s: &Session) -> StoreResult<()> {
                    sqlx::query("INSERT INTO sessions (id, account_id, kind, secret_hash, csrf_token, user_agent, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                        .bind(s.id.as_str()).bind(s.account_id.as_str()).bind(s.kind.as_str()).bind(&s.secret_hash)
                        .bind(&s.csrf_token).bind(&s.user_agent).bind(s.created_at).bind(s.expires_at).bind(s.revoked_at)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn find_session_by_secret_hash(&mut self, hash: &str) -> StoreResult<Option<Session>> {
                    let sql = format!("SELECT {SESSION_COLS} FROM sessions WHERE secret_hash = $1");
                    let row: Option<SessionRow> = sqlx::query_as(&sql).bind(hash)
                        .fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(Session::try_from).transpose()
                }

                async fn find_session_with_account(&mut self, hash: &str) -> StoreResult<Option<(Session, Account)>> {
                    const SQL: &str = "SELECT s.id, s.account_id, s.kind, s.secret_hash, s.csrf_token, s.user_agent, s.created_at, s.expires_at, s.revoked_at, \
                        a.email AS a_email, a.name AS a_name, a.role AS a_role, a.dealership_id AS a_dealership_id, a.language AS a_language, \
                        a.status AS a_status, a.password_hash AS a_password_hash, a.created_at AS a_created_at, a.updated_at AS a_updated_at, a.version AS a_version \
                        FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.secret_hash = $1";
                    let row: Option<SessionAccountRow> = sqlx::query_as(SQL).bind(hash)
                        .fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(<(Session, Account)>::try_from).transpose()
                }

                async fn find_session_for_account(&mut self, owner: &AccountId, id: &SessionId) -> StoreResult<Option<Session>> {
                    let sql = format!("SELECT {SESSION_COLS} FROM sessions WHERE account_id = $1 AND id = $2");
                    let row: Option<SessionRow> = sqlx::query_as(&sql).bind(owner.as_str()).bind(id.as_str())
                        .fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(Session::try_from).transpose()
                }

                async fn list_live_sessions_for_account(&mut self, owner: &AccountId, now: DateTime<Utc>) -> StoreResult<Vec<Session>> {
                    let sql = format!("SELECT {SESSION_COLS} FROM sessions WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id DESC");
                    let rows: Vec<SessionRow> = sqlx::query_as(&sql).bind(owner.as_str()).bind(now)
                        .fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    convert_all(rows)
                }

                async fn revoke_session_for_account(&mut self, owner: &AccountId, id: &SessionId, at: DateTime<Utc>) -> StoreResult<bool> {
                    self.st.note(Invalidation::Account(owner.clone()));
                    // Its app installation stops receiving pushes with it (NOTIF-4).
                    sqlx::query("DELETE FROM push_subscriptions WHERE customer_id = $1 AND session_id = $2")
                        .bind(owner.as_str()).bind(id.as_str())
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    let r = sqlx::query("UPDATE sessions SET revoked_at = $3 WHERE account_id = $1 AND id = $2 AND revoked_at IS NULL")
                        .bind(owner.as_str()).bind(id.as_str()).bind(at)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn revoke_sessions_for_account(&mut self, owner: &AccountId, keep: Option<&SessionId>, at: DateTime<Utc>) -> StoreResult<u64> {
                    self.st.note(Invalidation::Account(owner.clone()));
                    sqlx::query("DELETE FROM push_subscriptions WHERE customer_id = $1 AND session_id IN \
                                 (SELECT id FROM sessions WHERE account_id = $1 AND ($2 IS NULL OR id <> $2))")
                        .bind(owner.as_str()).bind(keep.map(|k| k.as_str()))
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    let r = sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL AND ($3 IS NULL OR id <> $3)")
                        .bind(owner.as_str()).bind(at).bind(keep.map(|k| k.as_str()))
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected())
                }
            }

            #[$crate::__rt::async_trait]
            impl AccountTokenRepo for $tx {
                async fn insert_account_token(&mut self, t: &AccountToken) -> StoreResult<()> {
                    sqlx::query("INSERT INTO account_tokens (id, account_id, purpose, secret_hash, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(t.id.as_str()).bind(t.account_id.as_str()).bind(t.purpose.as_str()).bind(&t.secret_hash)
                        .bind(t.created_at).bind(t.expires_at).bind(t.used_at)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn find_account_token_by_hash(&mut self, hash: &str) -> StoreResult<Option<AccountToken>> {
                    let row: Option<AccountTokenRow> = sqlx::query_as("SELECT id, account_id, purpose, secret_hash, created_at, expires_at, used_at FROM account_tokens WHERE secret_hash = $1")
                        .bind(hash).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(AccountToken::try_from).transpose()
                }

                async fn consume_account_token(&mut self, id: &AccountTokenId, at: DateTime<Utc>) -> StoreResult<bool> {
                    let r = sqlx::query("UPDATE account_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
                        .bind(id.as_str()).bind(at).execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn invalidate_account_tokens(&mut self, owner: &AccountId, purpose: TokenPurpose, at: DateTime<Utc>) -> StoreResult<()> {
                    sqlx::query("UPDATE account_tokens SET used_at = $3 WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL")
                        .bind(owner.as_str()).bind(purpose.as_str()).bind(at)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }
            }

            #[$crate::__rt::async_trait]
            impl LoginAttemptRepo for $tx {
                async fn record_login_attempt(&mut self, email: &str, ip: &str, succeeded: bool, at: DateTime<Utc>) -> StoreResult<()> {
                    sqlx::query("INSERT INTO login_attempts (email, ip, succeeded, at) VALUES ($1, $2, $3, $4)")
                        .bind(email).bind(ip).bind(succeeded).bind(at)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn count_failed_logins_for_email(&mut self, email: &str, since: DateTime<Utc>) -> StoreResult<i64> {
                    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND succeeded = $2 AND at >= $3")
                        .bind(email).bind(false).bind(since).fetch_one(&mut *self.tx).await.map_err(map_err)?;
                    Ok(n)
                }

                async fn count_failed_logins_for_ip(&mut self, ip: &str, since: DateTime<Utc>) -> StoreResult<i64> {
                    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND succeeded = $2 AND at >= $3")
                        .bind(ip).bind(false).bind(since).fetch_one(&mut *self.tx).await.map_err(map_err)?;
                    Ok(n)
                }
            }

            #[$crate::__rt::async_trait]
            impl AuditRepo for $tx {
                async fn append_audit(&mut self, e: &AuditEntry) -> StoreResult<()> {
                    sqlx::query("INSERT INTO audit_log (id, at, actor, action, subject, details, request_id, ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                        .bind(e.id.as_str()).bind(e.at).bind(&e.actor).bind(&e.action).bind(e.subject.as_deref())
                        .bind(e.details.to_string()).bind(e.request_id.as_deref()).bind(e.ip.as_deref())
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn list_audit(&mut self, subject: Option<&str>, limit: i64) -> StoreResult<Vec<AuditEntry>> {
                    let rows: Vec<AuditRow> = sqlx::query_as("SELECT id, at, actor, action, subject, details, request_id, ip FROM audit_log WHERE ($1 IS NULL OR subject = $1) ORDER BY id DESC LIMIT $2")
                        .bind(subject).bind(limit).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    convert_all(rows)
                }
            }

            #[$crate::__rt::async_trait]
            impl JobRepo for $tx {
                async fn enqueue_job(&mut self, j: &NewJob, now: DateTime<Utc>) -> StoreResult<()> {
                    self.enqueue_jobs(std::slice::from_ref(j), now).await
                }

                async fn enqueue_jobs(&mut self, jobs: &[NewJob], now: DateTime<Utc>) -> StoreResult<()> {
                    for chunk in $crate::jobs::merged(jobs).chunks($crate::jobs::MAX_ROWS) {
                        let sql = $crate::jobs::enqueue_sql(chunk.len());
                        let mut q = sqlx::query(&sql);
                        for j in chunk {
                            q = q.bind(j.id.as_str()).bind(&j.kind).bind(j.payload.to_string()).bind(j.max_attempts)
                                .bind(j.run_at).bind(now).bind(j.dedupe_key.as_deref());
                        }
                        q.execute(&mut *self.tx).await.map_err(map_err)?;
                    }
                    Ok(())
                }

                async fn find_job(&mut self, id: &JobId) -> StoreResult<Option<Job>> {
                    let sql = format!("SELECT {} FROM jobs WHERE id = $1", $crate::JOB_COLUMNS);
                    let row: Option<JobRow> = sqlx::query_as(&sql).bind(id.as_str())
                        .fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(Job::try_from).transpose()
                }

                async fn list_jobs(&mut self, state: Option<JobState>, limit: i64) -> StoreResult<Vec<Job>> {
                    let sql = format!("SELECT {} FROM jobs WHERE ($1 IS NULL OR state = $1) ORDER BY updated_at DESC, id DESC LIMIT $2", $crate::JOB_COLUMNS);
                    let rows: Vec<JobRow> = sqlx::query_as(&sql).bind(state.map(|s| s.as_str())).bind(limit)
                        .fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    convert_all(rows)
                }

                async fn count_queued_jobs_by_kind(&mut self) -> StoreResult<Vec<(String, i64)>> {
                    sqlx::query_as("SELECT kind, COUNT(*) FROM jobs WHERE state = 'queued' GROUP BY kind ORDER BY kind")
                        .fetch_all(&mut *self.tx).await.map_err(map_err)
                }

                async fn count_jobs_by_state(&mut self) -> StoreResult<Vec<(JobState, i64)>> {
                    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT state, COUNT(*) FROM jobs GROUP BY state")
                        .fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    Ok(JobState::ALL.into_iter().map(|s| {
                        (s, rows.iter().find(|(n, _)| n == s.as_str()).map_or(0, |(_, c)| *c))
                    }).collect())
                }

                async fn finish_job(&mut self, id: &JobId, lock_token: &str, now: DateTime<Utc>) -> StoreResult<bool> {
                    let r = sqlx::query("UPDATE jobs SET state = 'succeeded', locked_until = NULL, lock_token = NULL, last_error = NULL, updated_at = $3 WHERE id = $1 AND lock_token = $2 AND state = 'running'")
                        .bind(id.as_str()).bind(lock_token).bind(now)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn fail_job(&mut self, id: &JobId, lock_token: &str, error: &str, retry_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> StoreResult<bool> {
                    let r = match retry_at {
                        Some(at) => sqlx::query("UPDATE jobs SET state = 'queued', run_at = $4, locked_until = NULL, lock_token = NULL, last_error = $3, updated_at = $5 WHERE id = $1 AND lock_token = $2 AND state = 'running'")
                            .bind(id.as_str()).bind(lock_token).bind(error).bind(at).bind(now)
                            .execute(&mut *self.tx).await,
                        None => sqlx::query("UPDATE jobs SET state = 'dead', locked_until = NULL, lock_token = NULL, last_error = $3, updated_at = $4 WHERE id = $1 AND lock_token = $2 AND state = 'running'")
                            .bind(id.as_str()).bind(lock_token).bind(error).bind(now)
                            .execute(&mut *self.tx).await,
                    }.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn retry_job_now(&mut self, id: &JobId, now: DateTime<Utc>) -> StoreResult<bool> {
                    let r = sqlx::query("UPDATE jobs SET state = 'queued', run_at = $2, max_attempts = CASE WHEN attempts >= max_attempts THEN attempts + 1 ELSE max_attempts END, updated_at = $2 WHERE id = $1 AND state IN ('dead', 'queued')")
                        .bind(id.as_str()).bind(now)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }
            }

            #[$crate::__rt::async_trait]
            impl MailRepo for $tx {
                async fn insert_email(&mut self, e: &OutboundEmail) -> StoreResult<()> {
                    sqlx::query("INSERT INTO emails (id, to_addr, subject, body_text, body_html, template, language, state, created_at, sent_at, last_error, notification_id, category) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
                        .bind(e.id.as_str()).bind(e.to.as_str()).bind(&e.subject).bind(&e.body_text).bind(&e.body_html)
                        .bind(&e.template).bind(&e.language).bind(e.state.as_str()).bind(e.created_at).bind(e.sent_at)
                        .bind(e.last_error.as_deref()).bind(e.notification_id.as_deref()).bind(e.category.as_deref())
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn find_email(&mut self, id: &EmailId) -> StoreResult<Option<OutboundEmail>> {
                    let row: Option<EmailRow> = sqlx::query_as("SELECT id, to_addr, subject, body_text, body_html, template, language, state, created_at, sent_at, last_error, notification_id, category FROM emails WHERE id = $1")
                        .bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(OutboundEmail::try_from).transpose()
                }

                async fn list_emails(&mut self, limit: i64) -> StoreResult<Vec<OutboundEmail>> {
                    let rows: Vec<EmailRow> = sqlx::query_as("SELECT id, to_addr, subject, body_text, body_html, template, language, state, created_at, sent_at, last_error, notification_id, category FROM emails ORDER BY id DESC LIMIT $1")
                        .bind(limit).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    convert_all(rows)
                }

                async fn set_email_state(&mut self, id: &EmailId, state: EmailState, at: DateTime<Utc>, error: Option<&str>) -> StoreResult<()> {
                    let sent_at = (state == EmailState::Sent).then_some(at);
                    sqlx::query("UPDATE emails SET state = $2, sent_at = COALESCE($3, sent_at), last_error = $4 WHERE id = $1")
                        .bind(id.as_str()).bind(state.as_str()).bind(sent_at).bind(error)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }
            }
        };
        $crate::impl_order_repos!($tx);
        $crate::impl_event_repos!($tx);
        $crate::impl_vehicle_repos!($tx);
        $crate::impl_refund_repos!($tx);
        $crate::impl_purchase_repos!($tx);
        $crate::impl_service_invoice_repos!($tx);
        $crate::impl_vss_cache_repos!($tx);
        $crate::impl_support_repos!($tx);
    };
}
