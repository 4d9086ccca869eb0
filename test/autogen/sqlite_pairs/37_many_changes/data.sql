INSERT INTO shop VALUES (1, 'Corner', 'Lyon'), (2, 'Market', NULL);
INSERT INTO article VALUES (1, 1, 'apple', 3, 'x'), (2, 2, 'pear', 5, NULL);
INSERT INTO obsolete VALUES (1);
