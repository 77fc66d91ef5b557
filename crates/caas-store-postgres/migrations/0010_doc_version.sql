-- Every document carries its shape's version at the top of its JSON
-- ("doc_version", 1 when absent: the shapes before versions). The column
-- is generated from the document, so it can never disagree with it; the
-- store upgrades older documents on read and rewrites them at start.
ALTER TABLE platforms ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
ALTER TABLE catalogue_options ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
ALTER TABLE customer_profiles ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
ALTER TABLE orders ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
ALTER TABLE payments ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
ALTER TABLE invoices ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
ALTER TABLE timeline ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
ALTER TABLE estimate_revisions ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
ALTER TABLE staff_alerts ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
ALTER TABLE notifications ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
ALTER TABLE notification_deliveries ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
ALTER TABLE push_subscriptions ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
ALTER TABLE vehicles ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE((doc->>'doc_version')::integer, 1)) STORED;
-- An index per table, so the start-up check for stale documents is one index probe.
CREATE INDEX platforms_doc_version ON platforms (doc_version);
CREATE INDEX catalogue_options_doc_version ON catalogue_options (doc_version);
CREATE INDEX customer_profiles_doc_version ON customer_profiles (doc_version);
CREATE INDEX orders_doc_version ON orders (doc_version);
CREATE INDEX payments_doc_version ON payments (doc_version);
CREATE INDEX invoices_doc_version ON invoices (doc_version);
CREATE INDEX timeline_doc_version ON timeline (doc_version);
CREATE INDEX estimate_revisions_doc_version ON estimate_revisions (doc_version);
CREATE INDEX staff_alerts_doc_version ON staff_alerts (doc_version);
CREATE INDEX notifications_doc_version ON notifications (doc_version);
CREATE INDEX notification_deliveries_doc_version ON notification_deliveries (doc_version);
CREATE INDEX push_subscriptions_doc_version ON push_subscriptions (doc_version);
CREATE INDEX vehicles_doc_version ON vehicles (doc_version);
