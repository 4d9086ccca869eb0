-- kinds: sequence
-- checks: sequences: one created with options, one's INCREMENT/MINVALUE/CACHE/CYCLE changed, one OWNED BY a column
-- side b
CREATE SEQUENCE invoice_no START 1000 INCREMENT BY 5 MINVALUE 10 MAXVALUE 99999 CACHE 10 CYCLE;
CREATE SEQUENCE batch_no AS integer START 1;
CREATE TABLE line (id integer NOT NULL, n integer DEFAULT nextval('batch_no'));
CREATE SEQUENCE line_id_seq OWNED BY line.id;
ALTER TABLE line ALTER COLUMN id SET DEFAULT nextval('line_id_seq');
