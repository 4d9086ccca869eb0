-- kinds: column, type change
-- checks: type changes that need USING: text to integer, integer to boolean, text to jsonb, a defaulted column (its default changes type too)
-- side b
CREATE TABLE setting (
    id integer,
    value integer,
    flag boolean DEFAULT false,
    doc jsonb DEFAULT '{}'::jsonb
);
