-- kinds: enum, type, column
-- checks: a new enum type and a column using it, with a default; an array of the enum
-- side b
CREATE TYPE issue_state AS ENUM ('open', 'closed', 'wontfix');
CREATE TABLE issue (id integer PRIMARY KEY, title text,
    state issue_state DEFAULT 'open' NOT NULL, history issue_state[]);
