-- kinds: primary key
-- checks: a table without a primary key gets one (a text key: an automatic index), another a composite one; rows kept
CREATE TABLE country (code TEXT NOT NULL, name TEXT);
CREATE TABLE pair (a INTEGER NOT NULL, b INTEGER NOT NULL, w REAL);
