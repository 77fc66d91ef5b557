-- Sale to factory: catalogue, customer profiles, orders, payments, invoices,
-- timeline, estimate revisions, inbound webhooks, notifications, alerts.
-- Aggregates are stored as a JSON document (`doc`) beside the columns that
-- queries filter, join or constrain on; the store code is shared with PostgreSQL.

ALTER TABLE dealerships ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE dealerships ADD COLUMN opening_hours TEXT NOT NULL DEFAULT '';
ALTER TABLE emails ADD COLUMN notification_id TEXT;
ALTER TABLE emails ADD COLUMN category TEXT;

CREATE TABLE platforms (
    code        TEXT PRIMARY KEY,
    doc         TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE catalogue_options (
    code        TEXT PRIMARY KEY,
    doc         TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE customer_profiles (
    account_id  TEXT PRIMARY KEY REFERENCES accounts (id),
    doc         TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE orders (
    id                    TEXT PRIMARY KEY,
    customer_id           TEXT NOT NULL REFERENCES accounts (id),
    dealership_id         TEXT NOT NULL REFERENCES dealerships (id),
    state                 TEXT NOT NULL,
    factory_order_id      TEXT UNIQUE,
    last_factory_contact  TEXT,
    version               INTEGER NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    doc                   TEXT NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id, created_at);
CREATE INDEX orders_dealership ON orders (dealership_id, created_at);

CREATE TABLE payments (
    id               TEXT PRIMARY KEY,
    order_id         TEXT NOT NULL REFERENCES orders (id),
    customer_id      TEXT NOT NULL REFERENCES accounts (id),
    kind             TEXT NOT NULL,
    state            TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL UNIQUE,
    intent_id        TEXT UNIQUE,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    doc              TEXT NOT NULL
);
CREATE INDEX payments_order ON payments (order_id, created_at);
-- At most one señal of an order that is not declined: a double submit charges once.
CREATE UNIQUE INDEX payments_one_live_senal ON payments (order_id) WHERE kind = 'SENAL' AND state <> 'DECLINED';

CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);

CREATE TABLE invoices (
    id           TEXT PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    order_id     TEXT NOT NULL REFERENCES orders (id),
    customer_id  TEXT NOT NULL REFERENCES accounts (id),
    payment_id   TEXT NOT NULL UNIQUE REFERENCES payments (id),
    issued_at    TEXT NOT NULL,
    doc          TEXT NOT NULL,
    pdf          BLOB NOT NULL
);
CREATE INDEX invoices_order ON invoices (order_id);

CREATE TABLE timeline (
    id          TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders (id),
    at          TEXT NOT NULL,
    dedupe_key  TEXT NOT NULL UNIQUE,
    doc         TEXT NOT NULL
);
CREATE INDEX timeline_order ON timeline (order_id, at);

CREATE TABLE estimate_revisions (
    source    TEXT PRIMARY KEY,
    order_id  TEXT NOT NULL REFERENCES orders (id),
    at        TEXT NOT NULL,
    doc       TEXT NOT NULL
);
CREATE INDEX estimate_revisions_order ON estimate_revisions (order_id, at);

CREATE TABLE staff_alerts (
    id             TEXT PRIMARY KEY,
    dealership_id  TEXT REFERENCES dealerships (id),
    dedupe_key     TEXT NOT NULL UNIQUE,
    created_at     TEXT NOT NULL,
    resolved_at    TEXT,
    doc            TEXT NOT NULL
);
CREATE INDEX staff_alerts_dealership ON staff_alerts (dealership_id, created_at);

CREATE TABLE inbound_events (
    source       TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    event_type   TEXT NOT NULL,
    resource     TEXT NOT NULL,
    reference    TEXT,
    sequence     INTEGER NOT NULL,
    body         TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    state        TEXT NOT NULL,
    PRIMARY KEY (source, event_id)
);
CREATE INDEX inbound_events_resource ON inbound_events (source, resource, state, sequence);
CREATE INDEX inbound_events_reference ON inbound_events (source, reference, state, sequence);

CREATE TABLE notifications (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES accounts (id),
    dedupe_key   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    read_at      TEXT,
    doc          TEXT NOT NULL
);
CREATE INDEX notifications_customer ON notifications (customer_id, created_at);

CREATE TABLE notification_deliveries (
    notification_id  TEXT NOT NULL REFERENCES notifications (id),
    channel          TEXT NOT NULL,
    state            TEXT NOT NULL,
    provider_ref     TEXT,
    updated_at       TEXT NOT NULL,
    doc              TEXT NOT NULL,
    PRIMARY KEY (notification_id, channel)
);
CREATE INDEX notification_deliveries_ref ON notification_deliveries (provider_ref);

CREATE TABLE notification_mutes (
    customer_id  TEXT NOT NULL REFERENCES accounts (id),
    event        TEXT NOT NULL,
    channel      TEXT NOT NULL,
    PRIMARY KEY (customer_id, event, channel)
);

CREATE TABLE push_subscriptions (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES accounts (id),
    endpoint     TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    doc          TEXT NOT NULL
);
CREATE INDEX push_subscriptions_customer ON push_subscriptions (customer_id);
