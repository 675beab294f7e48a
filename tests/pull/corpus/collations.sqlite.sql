-- Column collations.
CREATE TABLE names (
    id INTEGER PRIMARY KEY,
    name TEXT COLLATE NOCASE NOT NULL UNIQUE,
    code TEXT COLLATE RTRIM,
    plain TEXT
);
