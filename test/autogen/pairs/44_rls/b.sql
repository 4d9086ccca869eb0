-- kinds: rls, policy
-- checks: row-level security: ENABLE and FORCE, policies created, one's USING changed, a restrictive WITH CHECK policy for a role
-- side b
CREATE TABLE secret (id integer PRIMARY KEY, owner name, body text, tenant integer);
CREATE TABLE open_data (id integer);
ALTER TABLE secret ENABLE ROW LEVEL SECURITY;
ALTER TABLE secret FORCE ROW LEVEL SECURITY;
CREATE POLICY own ON secret FOR SELECT USING (owner = current_user OR owner = 'admin');
CREATE POLICY tenant_only ON secret AS RESTRICTIVE FOR INSERT TO autogen_writer
    WITH CHECK (tenant = 1);
