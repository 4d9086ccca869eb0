-- kinds: grant, table
-- checks: table privileges: SELECT granted to one role, INSERT/UPDATE to another with a column-level grant, one revoked
-- side b
CREATE TABLE ledger (id integer PRIMARY KEY, amount numeric, note text);
GRANT SELECT ON ledger TO autogen_reader;
GRANT SELECT, INSERT ON ledger TO autogen_writer;
GRANT UPDATE (note) ON ledger TO autogen_writer;
GRANT SELECT ON ledger TO autogen_reader WITH GRANT OPTION;
