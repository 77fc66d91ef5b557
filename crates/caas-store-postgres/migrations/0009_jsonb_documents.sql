-- Documents as JSONB (issue 10): the database checks that every document is
-- JSON, and queries and indexes can reach into it. SQLite keeps TEXT; the
-- store binds and reads both through caas_store_sql::doc::Doc.
ALTER TABLE platforms ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
ALTER TABLE catalogue_options ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
ALTER TABLE customer_profiles ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
ALTER TABLE orders ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
ALTER TABLE payments ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
ALTER TABLE invoices ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
ALTER TABLE timeline ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
ALTER TABLE estimate_revisions ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
ALTER TABLE staff_alerts ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
ALTER TABLE notifications ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
ALTER TABLE notification_deliveries ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
ALTER TABLE push_subscriptions ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
ALTER TABLE vehicles ALTER COLUMN doc TYPE JSONB USING doc::jsonb;
