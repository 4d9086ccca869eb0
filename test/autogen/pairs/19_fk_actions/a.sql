-- kinds: foreign key, constraint
-- checks: foreign keys: one added with ON DELETE CASCADE, one changed from NO ACTION to ON DELETE SET NULL ON UPDATE CASCADE
-- side a
CREATE TABLE team (id integer PRIMARY KEY);
CREATE TABLE player (
    id integer PRIMARY KEY,
    team_id integer REFERENCES team (id),
    mentor_id integer
);
