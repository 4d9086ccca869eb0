INSERT INTO session VALUES ('t1', 1, 100), ('t2', 2, 200);
INSERT INTO device VALUES (1, 's1', 'a');
