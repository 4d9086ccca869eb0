-- kinds: column, generated
-- checks: a stored generated column added, another one's expression changed
-- side b
CREATE TABLE box (
    w numeric NOT NULL,
    h numeric NOT NULL,
    d numeric NOT NULL,
    area numeric GENERATED ALWAYS AS (2 * (w * h + w * d + h * d)) STORED,
    volume numeric GENERATED ALWAYS AS (w * h * d) STORED
);
