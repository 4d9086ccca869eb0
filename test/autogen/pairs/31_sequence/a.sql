-- kinds: sequence
-- checks: sequences: one created with options, one's INCREMENT/MINVALUE/CACHE/CYCLE changed, one OWNED BY a column
-- side a
CREATE SEQUENCE invoice_no START 1000;
CREATE TABLE line (id integer NOT NULL, n integer);
