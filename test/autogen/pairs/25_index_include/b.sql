-- kinds: index, include
-- checks: a covering index with INCLUDE columns; a primary key with INCLUDE
-- side b
CREATE TABLE sale (id integer, store integer, day date, total numeric,
    CONSTRAINT sale_pkey PRIMARY KEY (id) INCLUDE (store));
CREATE INDEX sale_store_idx ON sale (store) INCLUDE (day, total);
