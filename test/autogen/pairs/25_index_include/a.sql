-- kinds: index, include
-- checks: a covering index with INCLUDE columns; a primary key with INCLUDE
-- side a
CREATE TABLE sale (id integer PRIMARY KEY, store integer, day date, total numeric);
CREATE INDEX sale_store_idx ON sale (store);
