INSERT INTO dept VALUES (1, 'ops');
INSERT INTO site VALUES ('fr', 'Paris');
INSERT INTO emp VALUES (1, 1, NULL, 'fr', 'Paris'), (2, 1, 1, NULL, NULL);
