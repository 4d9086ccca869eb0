INSERT INTO UserAccount VALUES (1, 'Ann', 'a@x');
INSERT INTO Audit VALUES (1, 'hello');
