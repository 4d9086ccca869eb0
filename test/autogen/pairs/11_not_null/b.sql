-- kinds: column, not null
-- checks: NOT NULL set on one column and dropped from another
-- side b
CREATE TABLE shipment (
    id integer NOT NULL,
    carrier text NOT NULL,
    tracking text
);
