INSERT INTO emp VALUES (1, 'Ann', 'ops');
