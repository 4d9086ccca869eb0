-- kinds: column, generated
-- checks: a stored generated column added, another one's expression changed
-- side a
CREATE TABLE box (
    w numeric NOT NULL,
    h numeric NOT NULL,
    d numeric NOT NULL,
    area numeric GENERATED ALWAYS AS (w * h) STORED
);
