INSERT INTO region VALUES (1, 'north');
INSERT INTO zone VALUES (1);
INSERT INTO store VALUES (1, 1, NULL, 'a'), (2, NULL, NULL, 'b');
