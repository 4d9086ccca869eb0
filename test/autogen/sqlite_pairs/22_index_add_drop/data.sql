INSERT INTO log VALUES (1, '2024-01-01', 1, 'hi', 'a'), (2, '2024-01-02', 2, 'Hi', 'b');
