INSERT INTO staff VALUES (1, 'ann', 100, 'a'), (2, 'bob', 200, 'b');
