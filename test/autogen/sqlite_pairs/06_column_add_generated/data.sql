INSERT INTO line VALUES (1, 2, 1.5), (2, 20, 0.25);
