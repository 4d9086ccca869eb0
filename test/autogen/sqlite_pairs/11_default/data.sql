INSERT INTO account (id, status) VALUES (1, 'x'), (2, NULL);
