INSERT INTO booking VALUES (1, 10, 20, 2), (2, 30, 31, 12);
