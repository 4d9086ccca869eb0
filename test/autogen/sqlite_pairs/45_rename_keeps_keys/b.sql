-- kinds: table, rename, without rowid, primary key, unique, check
-- checks: --rename of tables whose unnamed constraints are named after them (t_pkey, t_a_key, t_a_check): the rename is all (SQLite renames in place), no constraint is dropped and added (a WITHOUT ROWID table cannot lose its primary key)
CREATE TABLE web_session (token TEXT PRIMARY KEY, user_id INTEGER NOT NULL, expires INTEGER CHECK (expires > 0)) WITHOUT ROWID;
CREATE TABLE device (id INTEGER PRIMARY KEY, serial TEXT UNIQUE, kind TEXT CHECK (kind IN ('a', 'b')));
CREATE INDEX session_user ON web_session (user_id);
