-- kinds: column, identity, sequence
-- checks: identity columns: a plain column becomes GENERATED ALWAYS AS IDENTITY, a BY DEFAULT identity with options is added
-- side a
CREATE TABLE ticket (
    id integer NOT NULL,
    title text
);
