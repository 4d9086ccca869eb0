-- kinds: unique, constraint
-- checks: unique constraints: one added on two columns, one dropped, one renamed by being redefined
-- side b
CREATE TABLE login (
    id integer PRIMARY KEY,
    username text,
    email text,
    tenant integer,
    CONSTRAINT login_tenant_email_key UNIQUE (tenant, email)
);
ALTER TABLE login ADD CONSTRAINT login_email_key UNIQUE (email) DEFERRABLE;
