CREATE TABLE account (
    id INTEGER NOT NULL,
    email TEXT NOT NULL,
    team_id INTEGER,
    CONSTRAINT account_pkey PRIMARY KEY (id),
    CONSTRAINT account_email_key UNIQUE (email),
    CONSTRAINT account_team_id_fkey FOREIGN KEY (team_id) REFERENCES team(id) ON DELETE SET NULL
);
CREATE TABLE team (
    id INTEGER NOT NULL,
    name TEXT,
    CONSTRAINT team_pkey PRIMARY KEY (id)
);
CREATE INDEX account_team ON account (team_id);
