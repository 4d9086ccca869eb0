-- migrate:revision r
-- migrate:revises base
-- migrate:upgrade
SELECT 1;
-- migrate:bogus
