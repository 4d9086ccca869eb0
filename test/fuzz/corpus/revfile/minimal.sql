-- migrate:revision 5aa5020316c5
-- migrate:revises base
-- migrate:message create colors table
-- migrate:created 2024-01-02T03:04:05Z

-- migrate:upgrade
CREATE TABLE colors (id integer PRIMARY KEY);

-- migrate:downgrade
DROP TABLE colors;
