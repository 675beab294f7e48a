-- Binary columns.
CREATE TABLE files (
    id serial PRIMARY KEY,
    name text NOT NULL,
    content bytea NOT NULL,
    thumb bytea,
    sha bytea UNIQUE
);
