-- kinds: check
-- checks: named CHECK constraints: one added, one dropped, one whose expression changes (drop and add under the same name)
CREATE TABLE booking (
    id INTEGER PRIMARY KEY,
    starts INTEGER NOT NULL,
    ends INTEGER NOT NULL,
    guests INTEGER CONSTRAINT booking_guests CHECK (guests BETWEEN 1 AND 12),
    CONSTRAINT booking_order CHECK (ends > starts)
);
