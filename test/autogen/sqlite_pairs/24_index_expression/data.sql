INSERT INTO profile VALUES (1, 'A@x', 'Ann', 'Lee', '{"kind": 1}'), (2, 'b@x', 'Bob', 'Ray', NULL);
