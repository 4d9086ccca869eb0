-- kinds: column, type change
-- checks: type changes that need USING: text to integer, integer to boolean, text to jsonb, a defaulted column (its default changes type too)
-- side a
CREATE TABLE setting (
    id integer,
    value text,
    flag integer DEFAULT 0,
    doc text DEFAULT '{}'
);
