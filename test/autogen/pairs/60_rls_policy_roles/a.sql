-- kinds: rls, policy, grant
-- checks: policies for roles and commands changed, a policy dropped, RLS disabled on another table
-- side a
CREATE TABLE note (id integer, author name, shared boolean);
CREATE TABLE draft (id integer);
ALTER TABLE note ENABLE ROW LEVEL SECURITY;
ALTER TABLE draft ENABLE ROW LEVEL SECURITY;
CREATE POLICY note_read ON note FOR SELECT TO autogen_reader USING (shared);
CREATE POLICY note_write ON note FOR ALL TO autogen_writer USING (author = current_user) WITH CHECK (author = current_user);
CREATE POLICY draft_all ON draft USING (true);
GRANT SELECT ON note TO autogen_reader;
