INSERT INTO slot VALUES (1, 'A', 'mon', 9), (2, 'A', 'tue', 9), (3, 'B', 'mon', 10);
