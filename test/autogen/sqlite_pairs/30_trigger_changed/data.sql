INSERT INTO counter VALUES (1, 3, 0);
