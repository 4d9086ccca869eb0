-- kinds: column, type change
-- checks: type changes PostgreSQL casts implicitly: integer to bigint, varchar(50) to varchar(200), numeric(10,2) to numeric(12,4), timestamp to timestamptz
-- side a
CREATE TABLE invoice (
    id integer NOT NULL,
    ref varchar(50),
    amount numeric(10,2),
    issued timestamp without time zone
);
