-- Refunds are rows tied to the payment they give back (PAY-11), not a part
-- of the order's document: the row takes its order, customer, dealership and
-- currency from the payment (the INSERT reads them), the amount is checked,
-- one refund per idempotency key, one row per gateway refund.
CREATE TABLE refunds (
    id                TEXT PRIMARY KEY,
    payment_id        TEXT NOT NULL REFERENCES payments (id),
    order_id          TEXT NOT NULL REFERENCES orders (id),
    customer_id       TEXT NOT NULL REFERENCES accounts (id),
    dealership_id     TEXT NOT NULL REFERENCES dealerships (id),
    amount_minor      BIGINT NOT NULL CHECK (amount_minor > 0),
    currency          TEXT NOT NULL CHECK (currency IN ('EUR', 'GBP', 'CHF', 'PLN', 'SEK', 'DKK')),
    state             TEXT NOT NULL CHECK (state IN ('REQUESTED', 'SUCCEEDED', 'FAILED')),
    idempotency_key   TEXT NOT NULL UNIQUE,
    gateway_refund_id TEXT UNIQUE,
    version           BIGINT NOT NULL DEFAULT 0 CHECK (version >= 0),
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    doc               JSONB NOT NULL,
    doc_version       INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED
);
CREATE INDEX refunds_payment ON refunds (payment_id);
CREATE INDEX refunds_order ON refunds (order_id, created_at);
CREATE INDEX refunds_dealership ON refunds (dealership_id, created_at);
CREATE INDEX refunds_doc_version ON refunds (doc_version);
