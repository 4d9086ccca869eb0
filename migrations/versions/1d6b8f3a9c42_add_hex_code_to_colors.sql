-- migrate:revision 1d6b8f3a9c42
-- migrate:revises 5aa5020316c5
-- migrate:message add hex code to colors
-- migrate:created 2026-02-18T09:14:30Z

-- migrate:upgrade
ALTER TABLE colors ADD COLUMN hex char(7);

-- migrate:downgrade
ALTER TABLE colors DROP COLUMN hex;
