ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(20, 2);
