-- Coalescing (issue 9): a job enqueued with a dedupe key while a fresh job
-- with the same key still waits (queued, never attempted) merges into it —
-- the earlier due time wins — so a burst of webhooks for one order makes one
-- job that applies them all, not one job per event.
ALTER TABLE jobs ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX jobs_waiting_dedupe ON jobs (dedupe_key)
    WHERE state = 'queued' AND attempts = 0 AND dedupe_key IS NOT NULL;
