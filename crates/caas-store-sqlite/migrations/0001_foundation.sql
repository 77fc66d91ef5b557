-- Foundation schema: accounts, dealerships, sessions, emailed link tokens,
-- login attempts, the append-only audit log, durable jobs and the email outbox.
-- Times are UTC RFC 3339 text; JSON is text.

CREATE TABLE dealerships (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    country     TEXT NOT NULL,
    locality    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE accounts (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('CUSTOMER', 'SALES', 'DEALER_OPS', 'SUPPORT', 'ADMIN')),
    dealership_id  TEXT REFERENCES dealerships (id),
    language       TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'active', 'disabled')),
    password_hash  TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX accounts_role ON accounts (role);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    kind         TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    secret_hash  TEXT NOT NULL UNIQUE,
    csrf_token   TEXT NOT NULL,
    user_agent   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE account_tokens (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    purpose      TEXT NOT NULL CHECK (purpose IN ('activation', 'reset')),
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);
CREATE INDEX account_tokens_account ON account_tokens (account_id);

CREATE TABLE login_attempts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    email      TEXT NOT NULL,
    ip         TEXT NOT NULL,
    succeeded  INTEGER NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    subject     TEXT,
    details     TEXT NOT NULL,
    request_id  TEXT,
    ip          TEXT
);
CREATE INDEX audit_log_subject ON audit_log (subject);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'dead')),
    attempts      INTEGER NOT NULL,
    max_attempts  INTEGER NOT NULL,
    run_at        TEXT NOT NULL,
    locked_until  TEXT,
    lock_token    TEXT,
    last_error    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_lease ON jobs (state, locked_until);

CREATE TABLE emails (
    id          TEXT PRIMARY KEY,
    to_addr     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    body_html   TEXT NOT NULL,
    template    TEXT NOT NULL,
    language    TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'held', 'failed')),
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    last_error  TEXT
);
