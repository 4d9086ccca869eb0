INSERT INTO doc VALUES (1, 'a', 0, 1), (2, 'b', 1, 1), (3, NULL, 0, NULL);
