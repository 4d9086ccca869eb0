INSERT INTO measure VALUES (1, 10, '1.5', 'a', X'00ff'), (2, 20, 'n/a', 'b', 'text');
