-- Purchases of the feature store (SPEC §4.2): the aggregate is a document,
-- what the database must guarantee is a column. The amount and currency are
-- checked, every state is named, a period ends after it starts, and one car
-- has at most one purchase of an option in progress at a time (two
-- confirmations racing cannot both start an activation). The current
-- command and confirming query are unique, so a reply finds its purchase.
CREATE TABLE purchases (
    id            TEXT PRIMARY KEY,
    basket_id     TEXT NOT NULL,
    customer_id   TEXT NOT NULL REFERENCES accounts (id),
    order_id      TEXT NOT NULL REFERENCES orders (id),
    vehicle_id    TEXT NOT NULL REFERENCES vehicles (id),
    dealership_id TEXT NOT NULL REFERENCES dealerships (id),
    option_code   TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('SCHEDULED', 'REQUESTED', 'REJECTED', 'AUTHORIZING', 'PAYMENT_DECLINED', 'ACTIVATING', 'RETRY_WAIT', 'ACTIVE', 'FAILED_NOT_CHARGED', 'DEACTIVATING', 'EXPIRED', 'WITHDRAWN', 'CANCELLED')),
    amount_minor  BIGINT NOT NULL CHECK (amount_minor > 0),
    currency      TEXT NOT NULL CHECK (currency IN ('EUR', 'GBP', 'CHF', 'PLN', 'SEK', 'DKK')),
    payment_state TEXT NOT NULL CHECK (payment_state IN ('CREATED', 'AUTHORIZED', 'DECLINED', 'CAPTURED', 'VOIDED', 'DEBT')),
    intent_id     TEXT UNIQUE,
    command_id    TEXT UNIQUE,
    query_id      TEXT UNIQUE,
    starts_at     TIMESTAMPTZ NOT NULL,
    ends_at       TIMESTAMPTZ CHECK (ends_at IS NULL OR ends_at > starts_at),
    version       BIGINT NOT NULL DEFAULT 0 CHECK (version >= 0),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    doc           JSONB NOT NULL,
    doc_version   INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED
);
CREATE INDEX purchases_vehicle ON purchases (vehicle_id, created_at);
CREATE INDEX purchases_customer ON purchases (customer_id, vehicle_id, created_at);
CREATE INDEX purchases_ending ON purchases (state, ends_at);
CREATE INDEX purchases_doc_version ON purchases (doc_version);
CREATE UNIQUE INDEX purchases_one_in_progress ON purchases (vehicle_id, option_code)
    WHERE state IN ('REQUESTED', 'AUTHORIZING', 'ACTIVATING', 'RETRY_WAIT');
