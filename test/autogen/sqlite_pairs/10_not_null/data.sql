INSERT INTO task VALUES (1, 'write', 'ann', '2024-01-01'), (2, 'read', 'bob', '2024-02-01');
