-- kinds: column, generated
-- checks: a generated column goes before the column it reads (both dropped) and comes after it (down); an expression that changes and VIRTUAL -> STORED replace the column
CREATE TABLE parcel (
    id INTEGER PRIMARY KEY,
    w REAL NOT NULL,
    h REAL NOT NULL,
    area REAL GENERATED ALWAYS AS (w * h) VIRTUAL,
    label TEXT,
    shout TEXT AS (upper(label)) VIRTUAL,
    zone INTEGER,
    double_zone INTEGER AS (zone * 2) STORED
);
