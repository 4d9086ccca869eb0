INSERT INTO "Order Items" VALUES (1, 7, 2, 'x'), (2, 8, 20, 'y');
