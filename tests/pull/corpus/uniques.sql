-- Unique in every way: on a column, as a table constraint, as an index.
CREATE TABLE accounts (
    id integer PRIMARY KEY,
    login text NOT NULL UNIQUE,
    email text UNIQUE,
    tenant integer NOT NULL,
    slug text NOT NULL,
    code text NOT NULL,
    UNIQUE (tenant, slug)
);
CREATE UNIQUE INDEX accounts_code ON accounts (code);
CREATE TABLE keys (
    name text PRIMARY KEY,
    value text UNIQUE,
    alt text
);
CREATE UNIQUE INDEX keys_alt_idx ON keys (alt);
