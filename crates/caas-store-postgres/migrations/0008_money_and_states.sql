-- Money and states in the schema, guarded payment and account writes (issue 10).
-- Amounts leave the JSON document: payments and invoices carry
-- `amount_minor` and `currency` columns the database checks, so a refund can
-- be tied to its capture and a finance report is one SQL text on both
-- engines. Payments carry the order's dealership and an optimistic
-- `version`. Every state and kind column is CHECKed against the domain's
-- names (the conformance suite inserts every enum value to keep them equal).
-- Existing rows are backfilled from their documents here, at migrate time.

ALTER TABLE payments ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN amount_minor BIGINT;
ALTER TABLE payments ADD COLUMN currency TEXT;
ALTER TABLE payments ADD COLUMN dealership_id TEXT REFERENCES dealerships (id);
UPDATE payments AS p
   SET amount_minor = (p.doc::jsonb #>> '{amount,minor}')::BIGINT,
       currency = p.doc::jsonb #>> '{amount,currency}',
       version = COALESCE((p.doc::jsonb ->> 'version')::BIGINT, 0),
       dealership_id = o.dealership_id
  FROM orders AS o
 WHERE o.id = p.order_id;
ALTER TABLE payments ALTER COLUMN amount_minor SET NOT NULL;
ALTER TABLE payments ALTER COLUMN currency SET NOT NULL;
ALTER TABLE payments ALTER COLUMN dealership_id SET NOT NULL;
ALTER TABLE payments ADD CONSTRAINT payments_amount_positive CHECK (amount_minor > 0);
ALTER TABLE payments ADD CONSTRAINT payments_currency_known CHECK (currency IN ('EUR', 'GBP', 'CHF', 'PLN', 'SEK', 'DKK'));
ALTER TABLE payments ADD CONSTRAINT payments_kind_known CHECK (kind IN ('SENAL', 'FINAL'));
ALTER TABLE payments ADD CONSTRAINT payments_state_known CHECK (state IN ('CREATED', 'CAPTURED', 'SETTLED', 'DECLINED', 'SETTLEMENT_FAILED'));
ALTER TABLE payments ADD CONSTRAINT payments_version_not_negative CHECK (version >= 0);
CREATE INDEX payments_dealership ON payments (dealership_id, created_at);

ALTER TABLE invoices ADD COLUMN amount_minor BIGINT;
ALTER TABLE invoices ADD COLUMN currency TEXT;
UPDATE invoices
   SET amount_minor = (doc::jsonb #>> '{total,minor}')::BIGINT,
       currency = doc::jsonb #>> '{total,currency}';
ALTER TABLE invoices ALTER COLUMN amount_minor SET NOT NULL;
ALTER TABLE invoices ALTER COLUMN currency SET NOT NULL;
ALTER TABLE invoices ADD CONSTRAINT invoices_amount_positive CHECK (amount_minor > 0);
ALTER TABLE invoices ADD CONSTRAINT invoices_currency_known CHECK (currency IN ('EUR', 'GBP', 'CHF', 'PLN', 'SEK', 'DKK'));

ALTER TABLE orders ADD CONSTRAINT orders_state_known CHECK (state IN (
    'SALE_REGISTERED', 'RESERVED', 'FACTORY_ORDER_PENDING', 'ORDER_REJECTED', 'ORDERED',
    'IN_PRODUCTION', 'IN_TRANSIT_TO_DEALERSHIP', 'AWAITING_FINAL_PAYMENT', 'PAID',
    'REGISTRATION_ISSUE', 'REGISTERED', 'OUT_FOR_DELIVERY', 'RETURNING_TO_DEALERSHIP',
    'HELD_AT_DEALERSHIP', 'DELIVERED', 'OPERATIONAL', 'RESERVATION_LOST', 'CANCELLED'));
ALTER TABLE orders ADD CONSTRAINT orders_version_not_negative CHECK (version >= 0);

ALTER TABLE inbound_events ADD CONSTRAINT inbound_events_state_known CHECK (state IN ('pending', 'applied', 'ignored'));
ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_channel_known CHECK (channel IN ('email', 'push', 'display', 'sms'));
ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_state_known CHECK (state IN ('pending', 'sent', 'delivered', 'failed', 'skipped'));
ALTER TABLE notification_mutes ADD CONSTRAINT notification_mutes_channel_known CHECK (channel IN ('email', 'push', 'display', 'sms'));

-- Accounts are written by their owner (password, language) and by
-- administrators (status, role): guarded like every other aggregate.
ALTER TABLE accounts ADD COLUMN version BIGINT NOT NULL DEFAULT 0 CHECK (version >= 0);
