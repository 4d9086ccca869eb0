INSERT INTO item VALUES (1, 'pen'), (2, NULL);
