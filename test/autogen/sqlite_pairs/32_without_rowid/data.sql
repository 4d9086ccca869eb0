INSERT INTO kv VALUES ('a', '1'), ('b', '2');
