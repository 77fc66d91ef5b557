-- The car's corrections log (digital twin, issue 11 item 8) and the support
-- queue (ADM-4). A correction is recorded before its command is published
-- (the same command id on every publication) and a car has at most one
-- pending correction of a feature, so two reconciliation runs racing cannot
-- both send one. A support case is one per purchase and kind, and its
-- resolution names who closed it, when and how, or nothing at all.
CREATE TABLE vehicle_corrections (
    id           TEXT PRIMARY KEY,
    vehicle_id   TEXT NOT NULL REFERENCES vehicles (id),
    vin          TEXT NOT NULL,
    feature_code TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('enable', 'disable')),
    valid_until  TEXT,
    config       TEXT CHECK (config IS NULL OR json_valid(config)),
    command_id   TEXT NOT NULL UNIQUE,
    issued_at    TEXT NOT NULL,
    expires_at   TEXT NOT NULL CHECK (expires_at > issued_at),
    seq_at_issue INTEGER NOT NULL,
    publishes    INTEGER NOT NULL DEFAULT 0 CHECK (publishes >= 0),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'rejected', 'failed', 'expired', 'superseded')),
    error_code   TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX vehicle_corrections_vehicle ON vehicle_corrections (vehicle_id, created_at);
CREATE UNIQUE INDEX vehicle_corrections_one_pending ON vehicle_corrections (vehicle_id, feature_code)
    WHERE status = 'pending';

CREATE TABLE support_cases (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('activation_failed', 'deactivation_failed')),
    priority    TEXT NOT NULL CHECK (priority IN ('high', 'normal')),
    purchase_id TEXT NOT NULL REFERENCES purchases (id),
    vehicle_id  TEXT NOT NULL REFERENCES vehicles (id),
    order_id    TEXT NOT NULL REFERENCES orders (id),
    summary     TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT REFERENCES accounts (id),
    resolution  TEXT,
    UNIQUE (purchase_id, kind),
    CHECK ((resolved_at IS NULL AND resolved_by IS NULL AND resolution IS NULL)
        OR (resolved_at IS NOT NULL AND resolved_by IS NOT NULL AND resolution IS NOT NULL))
);
CREATE INDEX support_cases_queue ON support_cases (resolved_at, priority, opened_at);
