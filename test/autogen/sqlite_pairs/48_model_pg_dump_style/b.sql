-- kinds: model, table, primary key, unique, foreign key
-- checks: a model written as pg_dump writes (CREATE TABLE, then ALTER TABLE ONLY ... ADD CONSTRAINT), which only the program reads (batch mode); b.ref.sql is the same schema as SQLite stores it
CREATE TABLE account (
    id INTEGER NOT NULL,
    email TEXT NOT NULL,
    team_id INTEGER
);
CREATE TABLE team (
    id INTEGER NOT NULL,
    name TEXT
);
ALTER TABLE ONLY team
    ADD CONSTRAINT team_pkey PRIMARY KEY (id);
ALTER TABLE ONLY account
    ADD CONSTRAINT account_pkey PRIMARY KEY (id);
ALTER TABLE ONLY account
    ADD CONSTRAINT account_email_key UNIQUE (email);
ALTER TABLE ONLY account
    ADD CONSTRAINT account_team_id_fkey FOREIGN KEY (team_id) REFERENCES team(id) ON DELETE SET NULL;
CREATE INDEX account_team ON account (team_id);
