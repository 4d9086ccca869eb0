INSERT INTO reading VALUES (1, 5, 't1'), (2, 7, 't2');
