INSERT INTO team VALUES (1, 'red', 100), (2, 'blue', 200);
INSERT INTO player VALUES (1, 1, 'ann'), (2, 2, 'bob'), (3, 1, 'cy');
