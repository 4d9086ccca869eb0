INSERT INTO metric VALUES (1, 'latency', 12), (2, 'errors', 0);
