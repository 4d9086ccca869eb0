-- kinds: table, column, index, view, quoted names
-- checks: names that need quotes (spaces, keywords, mixed case, a quote inside) through every kind of change
CREATE TABLE "Order Items" (
    "Id" INTEGER PRIMARY KEY,
    "order" INTEGER NOT NULL,
    "Qty" INTEGER DEFAULT 1,
    "it""s" TEXT
);
CREATE INDEX "Order Items by order" ON "Order Items" ("order");
