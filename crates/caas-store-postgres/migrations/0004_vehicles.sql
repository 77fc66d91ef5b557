-- Delivery half: vehicles (assigned or sin asignar stock) and one live
-- final payment per order. Kept in step with sqlite 0003_vehicles.sql.

CREATE TABLE vehicles (
    id             TEXT PRIMARY KEY,
    vin            TEXT NOT NULL UNIQUE,
    dealership_id  TEXT NOT NULL REFERENCES dealerships (id),
    status         TEXT NOT NULL CHECK (status IN ('ASSIGNED', 'SIN_ASIGNAR')),
    customer_id    TEXT REFERENCES accounts (id),
    version        BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    doc            TEXT NOT NULL,
    -- A sin asignar vehicle has no customer (SPEC §4.1 invariant).
    CHECK ((status = 'SIN_ASIGNAR') = (customer_id IS NULL))
);
CREATE INDEX vehicles_customer ON vehicles (customer_id);
CREATE INDEX vehicles_stock ON vehicles (dealership_id, status);

-- At most one final payment of an order in flight or paid: a double submit charges once.
CREATE UNIQUE INDEX payments_one_live_final ON payments (order_id) WHERE kind = 'FINAL' AND state NOT IN ('DECLINED', 'SETTLEMENT_FAILED');
