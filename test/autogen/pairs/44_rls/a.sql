-- kinds: rls, policy
-- checks: row-level security: ENABLE and FORCE, policies created, one's USING changed, a restrictive WITH CHECK policy for a role
-- side a
CREATE TABLE secret (id integer PRIMARY KEY, owner name, body text, tenant integer);
CREATE TABLE open_data (id integer);
ALTER TABLE open_data ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON secret USING (owner = current_user);
