-- migrate:transaction false
DROP INDEX CONCURRENTLY accounts_email_idx;
