INSERT INTO customer VALUES (1, 'a@example.com', NULL), (2, 'b@example.com', 'then');
