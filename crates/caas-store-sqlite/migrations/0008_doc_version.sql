-- Every document carries its shape's version at the top of its JSON
-- ("doc_version", 1 when absent: the shapes before versions). The column
-- is generated from the document (SQLite can add only VIRTUAL generated
-- columns), so it can never disagree with it; the store upgrades older
-- documents on read and rewrites them at start.
ALTER TABLE platforms ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
ALTER TABLE catalogue_options ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
ALTER TABLE customer_profiles ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
ALTER TABLE orders ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
ALTER TABLE payments ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
ALTER TABLE invoices ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
ALTER TABLE timeline ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
ALTER TABLE estimate_revisions ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
ALTER TABLE staff_alerts ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
ALTER TABLE notifications ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
ALTER TABLE notification_deliveries ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
ALTER TABLE push_subscriptions ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
ALTER TABLE vehicles ADD COLUMN doc_version INTEGER GENERATED ALWAYS AS (COALESCE(json_extract(doc, '$.doc_version'), 1)) VIRTUAL;
