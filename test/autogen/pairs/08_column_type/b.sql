-- kinds: column, type change
-- checks: type changes PostgreSQL casts implicitly: integer to bigint, varchar(50) to varchar(200), numeric(10,2) to numeric(12,4), timestamp to timestamptz
-- side b
CREATE TABLE invoice (
    id bigint NOT NULL,
    ref varchar(200),
    amount numeric(12,4),
    issued timestamp with time zone
);
