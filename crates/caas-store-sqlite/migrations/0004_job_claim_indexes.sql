-- Job claims in index order (issue 9): each set a claim draws from has a
-- partial index in claim order, so a claim reads one index entry whatever the
-- number of due jobs. The old (state, run_at) and (state, locked_until)
-- indexes could not serve `ORDER BY run_at, id` for the union of both sets.
DROP INDEX jobs_due;
DROP INDEX jobs_lease;
CREATE INDEX jobs_queued ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_running ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_state ON jobs (state, updated_at);
