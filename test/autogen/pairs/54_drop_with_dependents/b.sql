-- kinds: table, foreign key, view, drop
-- checks: a table referenced by a foreign key and a view is dropped with both (down: all three come back in order)
-- side b
CREATE TABLE thing (id integer PRIMARY KEY, category_id integer);
