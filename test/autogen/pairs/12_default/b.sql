-- kinds: column, default
-- checks: defaults set, changed (constant and expression) and dropped
-- side b
CREATE TABLE task (
    id integer NOT NULL,
    state text DEFAULT 'open',
    priority integer DEFAULT 3,
    created timestamptz DEFAULT clock_timestamp(),
    due date
);
