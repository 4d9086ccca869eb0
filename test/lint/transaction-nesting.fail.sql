-- migrate:transaction false
BEGIN;
UPDATE accounts SET region = 'eu' WHERE region IS NULL;
COMMIT;
