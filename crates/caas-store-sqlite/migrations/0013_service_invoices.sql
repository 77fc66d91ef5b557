-- Invoices of captured services (PAY-14, PAY-15): one per purchase (the
-- purchase id is unique, so a retried capture cannot issue a second), numbered
-- in the same series as the order's invoices. The INSERT takes the order and
-- customer from the purchase row and lands only while the purchase is
-- captured, so no invoice exists for a service that was not delivered.
CREATE TABLE service_invoices (
    id           TEXT PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    purchase_id  TEXT NOT NULL UNIQUE REFERENCES purchases (id),
    order_id     TEXT NOT NULL REFERENCES orders (id),
    customer_id  TEXT NOT NULL REFERENCES accounts (id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency     TEXT NOT NULL CHECK (currency IN ('EUR', 'GBP', 'CHF', 'PLN', 'SEK', 'DKK')),
    issued_at    TEXT NOT NULL,
    doc          TEXT NOT NULL CHECK (json_valid(doc)),
    pdf          BLOB NOT NULL,
    doc_version  INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL
);
CREATE INDEX service_invoices_order ON service_invoices (order_id, issued_at);
CREATE INDEX service_invoices_doc_version ON service_invoices (doc_version);
