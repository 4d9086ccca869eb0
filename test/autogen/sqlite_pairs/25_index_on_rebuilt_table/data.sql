INSERT INTO reading VALUES (1, 's1', 5, 't1'), (2, 's1', 6, 't2');
