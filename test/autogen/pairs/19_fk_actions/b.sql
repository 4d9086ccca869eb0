-- kinds: foreign key, constraint
-- checks: foreign keys: one added with ON DELETE CASCADE, one changed from NO ACTION to ON DELETE SET NULL ON UPDATE CASCADE
-- side b
CREATE TABLE team (id integer PRIMARY KEY);
CREATE TABLE player (
    id integer PRIMARY KEY,
    team_id integer,
    mentor_id integer REFERENCES player (id) ON DELETE CASCADE
);
ALTER TABLE player ADD CONSTRAINT player_team_id_fkey FOREIGN KEY (team_id) REFERENCES team (id)
    ON UPDATE CASCADE ON DELETE SET NULL;
