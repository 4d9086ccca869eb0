-- kinds: grant, table
-- checks: table privileges: SELECT granted to one role, INSERT/UPDATE to another with a column-level grant, one revoked
-- side a
CREATE TABLE ledger (id integer PRIMARY KEY, amount numeric, note text);
GRANT SELECT, DELETE ON ledger TO autogen_writer;
