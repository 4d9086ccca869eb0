-- migrate:transaction false
UPDATE accounts SET region = 'eu' WHERE region IS NULL;
