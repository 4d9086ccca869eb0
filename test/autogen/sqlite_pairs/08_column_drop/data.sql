INSERT INTO person VALUES (1, 'Ann', 'annie', '555-1', 'x'), (2, 'Bob', NULL, NULL, NULL);
