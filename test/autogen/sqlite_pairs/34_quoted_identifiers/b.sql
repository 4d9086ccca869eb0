-- kinds: table, column, index, view, quoted names
-- checks: names that need quotes (spaces, keywords, mixed case, a quote inside) through every kind of change
CREATE TABLE "Order Items" (
    "Id" INTEGER PRIMARY KEY,
    "order" INTEGER NOT NULL,
    "Qty" REAL DEFAULT 1 CHECK ("Qty" > 0),
    "it""s" TEXT NOT NULL DEFAULT '',
    "group" TEXT UNIQUE
);
CREATE INDEX "Order Items by order" ON "Order Items" ("order", "Qty");
CREATE TABLE "select" ("from" INTEGER PRIMARY KEY, "where" TEXT REFERENCES "Order Items" ("group"));
CREATE VIEW "Big Orders" AS SELECT "Id", "Qty" FROM "Order Items" WHERE "Qty" > 10;
CREATE TRIGGER "On Select" AFTER INSERT ON "select" BEGIN UPDATE "select" SET "where" = NULL WHERE "from" = NEW."from"; END;
