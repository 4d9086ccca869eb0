INSERT INTO node VALUES (1, 'a', 2), (2, 'b', NULL);
