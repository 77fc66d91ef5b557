-- Job claims in index order (issue 9): each set a claim draws from has a
-- partial index in claim order, so a claim reads one index entry whatever the
-- number of due jobs. The old (state, run_at) and (state, locked_until)
-- indexes could not serve `ORDER BY run_at, id` for the union of both sets.
-- No other index leads with `state` for the claimable states, so no plan can
-- trade them for a scan and a sort.
DROP INDEX jobs_due;
DROP INDEX jobs_lease;
CREATE INDEX jobs_queued ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_running ON jobs (locked_until, id) WHERE state = 'running';
CREATE INDEX jobs_finished ON jobs (state, updated_at) WHERE state IN ('succeeded', 'dead');
CREATE INDEX jobs_updated ON jobs (updated_at, id);
