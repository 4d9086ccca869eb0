INSERT INTO invoice VALUES (1, 10.5), (2, 99);
