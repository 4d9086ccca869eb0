-- kinds: function, check, default, index, view
-- checks: functions used by a default, a check, an expression index and a view: created before them (down: dropped after them)
-- side a
CREATE TABLE code (id integer, value text);
