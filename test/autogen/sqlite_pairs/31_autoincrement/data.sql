INSERT INTO note VALUES (1, 'a'), (5, 'b');
INSERT INTO tagged VALUES (3, 'x');
INSERT INTO loose VALUES (7, 'y');
