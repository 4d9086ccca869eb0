-- kinds: foreign key, deferrable, constraint
-- checks: a foreign key becomes DEFERRABLE INITIALLY DEFERRED; a composite MATCH FULL key added
-- side b
CREATE TABLE parent (a integer, b integer, PRIMARY KEY (a, b));
CREATE TABLE child (
    id integer PRIMARY KEY,
    pa integer,
    pb integer,
    self_ref integer,
    CONSTRAINT child_self_fk FOREIGN KEY (self_ref) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT child_parent_fk FOREIGN KEY (pa, pb) REFERENCES parent (a, b) MATCH FULL
);
