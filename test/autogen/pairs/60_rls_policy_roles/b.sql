-- kinds: rls, policy, grant
-- checks: policies for roles and commands changed, a policy dropped, RLS disabled on another table
-- side b
CREATE TABLE note (id integer, author name, shared boolean);
CREATE TABLE draft (id integer);
ALTER TABLE note ENABLE ROW LEVEL SECURITY;
CREATE POLICY note_read ON note FOR SELECT TO autogen_reader, autogen_writer USING (shared OR author = current_user);
CREATE POLICY note_write ON note FOR UPDATE TO autogen_writer USING (author = current_user);
GRANT SELECT ON note TO autogen_reader, autogen_writer;
