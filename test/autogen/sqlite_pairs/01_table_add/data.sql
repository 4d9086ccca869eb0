INSERT INTO author VALUES (1, 'Austen'), (2, 'Brontë');
