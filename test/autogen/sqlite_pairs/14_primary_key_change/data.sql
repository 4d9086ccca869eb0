INSERT INTO membership VALUES (1, 10, 100), (2, 10, 101);
INSERT INTO code VALUES ('x', 'y'), ('z', 'w');
