-- migrate:revision 4c7d2e9f0b13
-- migrate:revises f1e8c2d9a034
-- migrate:message add customer phone
-- migrate:created 2026-02-26T15:12:48Z

-- migrate:upgrade
ALTER TABLE customers ADD COLUMN phone varchar(30);

-- migrate:downgrade
ALTER TABLE customers DROP COLUMN phone;
