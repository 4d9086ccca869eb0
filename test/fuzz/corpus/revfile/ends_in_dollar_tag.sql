-- migrate:revision abc1
-- migrate:revises base

-- migrate:upgrade
SELECT 1; -- $migrate