INSERT INTO login VALUES (1, 'ann', 'ann@x', '1'), (2, 'bob', 'bob@x', '2');
