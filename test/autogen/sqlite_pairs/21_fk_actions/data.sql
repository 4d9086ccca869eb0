INSERT INTO folder VALUES (1, 'root'), (2, 'tmp');
INSERT INTO drive VALUES (1), (2);
INSERT INTO file VALUES (1, 1, 1), (2, 2, NULL);
