-- kinds: check, not valid, foreign key
-- checks: a NOT VALID check and a NOT VALID foreign key become validated
-- side a
CREATE TABLE wallet (id integer PRIMARY KEY, balance numeric, parent integer);
ALTER TABLE wallet ADD CONSTRAINT balance_nonneg CHECK (balance >= 0) NOT VALID;
ALTER TABLE wallet ADD CONSTRAINT wallet_parent_fk FOREIGN KEY (parent) REFERENCES wallet (id) NOT VALID;
