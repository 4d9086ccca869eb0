INSERT INTO tag VALUES (1, 'Red', 'red', 'R'), (2, 'blue', 'Blue ', 'b');
