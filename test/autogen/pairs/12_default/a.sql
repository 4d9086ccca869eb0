-- kinds: column, default
-- checks: defaults set, changed (constant and expression) and dropped
-- side a
CREATE TABLE task (
    id integer NOT NULL,
    state text DEFAULT 'new',
    priority integer,
    created timestamptz DEFAULT now(),
    due date DEFAULT CURRENT_DATE
);
