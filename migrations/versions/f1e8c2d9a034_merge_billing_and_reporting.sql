-- migrate:revision f1e8c2d9a034
-- migrate:revises 8a5c1e7f3b96,72e9b0c4d1a5
-- migrate:message merge billing and reporting
-- migrate:created 2026-02-25T11:00:00Z

-- migrate:upgrade

-- migrate:downgrade
