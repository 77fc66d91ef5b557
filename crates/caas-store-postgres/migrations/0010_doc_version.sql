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
