-- kinds: index, partial index
-- checks: a partial index added, another's predicate changed
-- side a
CREATE TABLE job (id integer, state text, run_at timestamptz);
CREATE INDEX job_pending_idx ON job (run_at) WHERE state = 'pending';
