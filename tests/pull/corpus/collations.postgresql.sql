-- Column collations.
CREATE TABLE names (
    id serial PRIMARY KEY,
    name text COLLATE "C" NOT NULL UNIQUE,
    code text COLLATE "POSIX",
    plain text
);
