-- Money and states in the schema, guarded payment writes (issue 10); the
-- PostgreSQL migration of the same name holds the same rules as CHECK
-- constraints. SQLite cannot add a CHECK to an existing column without
-- rebuilding the table, and rebuilding tables that other tables reference
-- needs foreign keys off, which cannot happen inside the migration's
-- transaction: here the same rules are BEFORE INSERT/UPDATE triggers that
-- abort the statement. Existing rows are backfilled from their documents.

ALTER TABLE payments ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN amount_minor INTEGER;
ALTER TABLE payments ADD COLUMN currency TEXT;
ALTER TABLE payments ADD COLUMN dealership_id TEXT REFERENCES dealerships (id);
UPDATE payments
   SET amount_minor = json_extract(doc, '$.amount.minor'),
       currency = json_extract(doc, '$.amount.currency'),
       version = COALESCE(json_extract(doc, '$.version'), 0),
       dealership_id = (SELECT o.dealership_id FROM orders AS o WHERE o.id = payments.order_id);
CREATE INDEX payments_dealership ON payments (dealership_id, created_at);

CREATE TRIGGER payments_checked_insert BEFORE INSERT ON payments
WHEN NEW.amount_minor IS NULL OR NEW.amount_minor <= 0
  OR NEW.currency IS NULL OR NEW.currency NOT IN ('EUR', 'GBP', 'CHF', 'PLN', 'SEK', 'DKK')
  OR NEW.dealership_id IS NULL
  OR NEW.kind NOT IN ('SENAL', 'FINAL')
  OR NEW.state NOT IN ('CREATED', 'CAPTURED', 'SETTLED', 'DECLINED', 'SETTLEMENT_FAILED')
  OR NEW.version < 0
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: payments'); END;

CREATE TRIGGER payments_checked_update BEFORE UPDATE ON payments
WHEN NEW.amount_minor IS NULL OR NEW.amount_minor <= 0
  OR NEW.currency IS NULL OR NEW.currency NOT IN ('EUR', 'GBP', 'CHF', 'PLN', 'SEK', 'DKK')
  OR NEW.dealership_id IS NULL
  OR NEW.kind NOT IN ('SENAL', 'FINAL')
  OR NEW.state NOT IN ('CREATED', 'CAPTURED', 'SETTLED', 'DECLINED', 'SETTLEMENT_FAILED')
  OR NEW.version < 0
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: payments'); END;

ALTER TABLE invoices ADD COLUMN amount_minor INTEGER;
ALTER TABLE invoices ADD COLUMN currency TEXT;
UPDATE invoices
   SET amount_minor = json_extract(doc, '$.total.minor'),
       currency = json_extract(doc, '$.total.currency');

CREATE TRIGGER invoices_checked_insert BEFORE INSERT ON invoices
WHEN NEW.amount_minor IS NULL OR NEW.amount_minor <= 0
  OR NEW.currency IS NULL OR NEW.currency NOT IN ('EUR', 'GBP', 'CHF', 'PLN', 'SEK', 'DKK')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: invoices'); END;

CREATE TRIGGER invoices_checked_update BEFORE UPDATE ON invoices
WHEN NEW.amount_minor IS NULL OR NEW.amount_minor <= 0
  OR NEW.currency IS NULL OR NEW.currency NOT IN ('EUR', 'GBP', 'CHF', 'PLN', 'SEK', 'DKK')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: invoices'); END;

CREATE TRIGGER orders_checked_insert BEFORE INSERT ON orders
WHEN NEW.version < 0 OR NEW.state NOT IN (
    'SALE_REGISTERED', 'RESERVED', 'FACTORY_ORDER_PENDING', 'ORDER_REJECTED', 'ORDERED',
    'IN_PRODUCTION', 'IN_TRANSIT_TO_DEALERSHIP', 'AWAITING_FINAL_PAYMENT', 'PAID',
    'REGISTRATION_ISSUE', 'REGISTERED', 'OUT_FOR_DELIVERY', 'RETURNING_TO_DEALERSHIP',
    'HELD_AT_DEALERSHIP', 'DELIVERED', 'OPERATIONAL', 'RESERVATION_LOST', 'CANCELLED')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: orders'); END;

CREATE TRIGGER orders_checked_update BEFORE UPDATE OF state, version ON orders
WHEN NEW.version < 0 OR NEW.state NOT IN (
    'SALE_REGISTERED', 'RESERVED', 'FACTORY_ORDER_PENDING', 'ORDER_REJECTED', 'ORDERED',
    'IN_PRODUCTION', 'IN_TRANSIT_TO_DEALERSHIP', 'AWAITING_FINAL_PAYMENT', 'PAID',
    'REGISTRATION_ISSUE', 'REGISTERED', 'OUT_FOR_DELIVERY', 'RETURNING_TO_DEALERSHIP',
    'HELD_AT_DEALERSHIP', 'DELIVERED', 'OPERATIONAL', 'RESERVATION_LOST', 'CANCELLED')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: orders'); END;

CREATE TRIGGER inbound_events_checked BEFORE INSERT ON inbound_events
WHEN NEW.state NOT IN ('pending', 'applied', 'ignored')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_events'); END;

CREATE TRIGGER inbound_events_checked_update BEFORE UPDATE OF state ON inbound_events
WHEN NEW.state NOT IN ('pending', 'applied', 'ignored')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_events'); END;

CREATE TRIGGER notification_deliveries_checked BEFORE INSERT ON notification_deliveries
WHEN NEW.channel NOT IN ('email', 'push', 'display', 'sms')
  OR NEW.state NOT IN ('pending', 'sent', 'delivered', 'failed', 'skipped')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: notification_deliveries'); END;

CREATE TRIGGER notification_deliveries_checked_update BEFORE UPDATE OF channel, state ON notification_deliveries
WHEN NEW.channel NOT IN ('email', 'push', 'display', 'sms')
  OR NEW.state NOT IN ('pending', 'sent', 'delivered', 'failed', 'skipped')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: notification_deliveries'); END;

CREATE TRIGGER notification_mutes_checked BEFORE INSERT ON notification_mutes
WHEN NEW.channel NOT IN ('email', 'push', 'display', 'sms')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: notification_mutes'); END;

-- Accounts are written by their owner (password, language) and by
-- administrators (status, role): guarded like every other aggregate.
ALTER TABLE accounts ADD COLUMN version INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0);
