-- Keys that point at a unique column rather than the primary key.
CREATE TABLE countries (
    id integer PRIMARY KEY,
    iso varchar(2) NOT NULL UNIQUE,
    name text NOT NULL
);
CREATE TABLE cities (
    id integer PRIMARY KEY,
    country_iso varchar(2) NOT NULL REFERENCES countries (iso),
    name text NOT NULL
);
