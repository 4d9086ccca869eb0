-- kinds: column, not null
-- checks: NOT NULL set on one column and dropped from another
-- side a
CREATE TABLE shipment (
    id integer NOT NULL,
    carrier text,
    tracking text NOT NULL
);
