-- migrate:revision d0a4f7b35c92
-- migrate:revises 3f8d2b7c6e10
-- migrate:message create saved reports table
-- migrate:created 2026-02-21T16:30:00Z
-- migrate:branch reporting

-- migrate:upgrade
CREATE TABLE saved_reports (
    id_report  integer PRIMARY KEY,
    title      varchar(100) NOT NULL UNIQUE,
    definition text NOT NULL,
    created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- migrate:downgrade
DROP TABLE saved_reports;
