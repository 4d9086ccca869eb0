-- kinds: unique
-- checks: table-level UNIQUE constraints: an unnamed one added, a named one dropped, a named one whose columns change
CREATE TABLE slot (
    id INTEGER PRIMARY KEY,
    room TEXT NOT NULL,
    day TEXT NOT NULL,
    hour INTEGER NOT NULL,
    CONSTRAINT slot_room_day UNIQUE (room, day),
    UNIQUE (day, hour, room)
);
