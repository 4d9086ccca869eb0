-- migrate:revision 5aa5020316c5
-- migrate:revises e57af1e0a8f8
-- migrate:message create colors table
-- migrate:created 2026-02-17T12:07:59Z

-- migrate:upgrade
CREATE TABLE colors (
    id_color integer PRIMARY KEY,
    name     varchar(50) NOT NULL UNIQUE
);

-- migrate:downgrade
DROP TABLE colors;
