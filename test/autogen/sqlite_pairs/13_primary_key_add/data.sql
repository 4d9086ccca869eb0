INSERT INTO country VALUES ('fr', 'France'), ('de', 'Germany');
INSERT INTO pair VALUES (1, 1, 0.5), (1, 2, 0.25);
