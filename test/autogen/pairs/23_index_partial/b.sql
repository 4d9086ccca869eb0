-- kinds: index, partial index
-- checks: a partial index added, another's predicate changed
-- side b
CREATE TABLE job (id integer, state text, run_at timestamptz);
CREATE INDEX job_pending_idx ON job (run_at) WHERE state IN ('pending', 'retry');
CREATE UNIQUE INDEX job_running_one ON job (id) WHERE state = 'running';
