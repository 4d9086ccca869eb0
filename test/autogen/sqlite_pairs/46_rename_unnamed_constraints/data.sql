INSERT INTO asset VALUES (1, 'c1', 'first'), (2, 'c2', 'second');
INSERT INTO owner VALUES (1, 'ann');
