-- kinds: enum, type
-- checks: enum values added in order: one at the end, one BEFORE an existing value (down: value removal by rebuilding the type under a column using it)
-- side b
CREATE TYPE mood AS ENUM ('sad', 'meh', 'ok', 'happy', 'ecstatic');
CREATE TABLE diary (id integer, feeling mood DEFAULT 'ok');
