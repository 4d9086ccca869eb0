-- kinds: column, collation
-- checks: COLLATE added (NOCASE), changed (RTRIM -> NOCASE) and dropped; an index on a collated column survives the rebuild
CREATE TABLE tag (
    id INTEGER PRIMARY KEY,
    name TEXT COLLATE NOCASE,
    slug TEXT COLLATE NOCASE,
    code TEXT
);
CREATE INDEX tag_slug ON tag (slug);
