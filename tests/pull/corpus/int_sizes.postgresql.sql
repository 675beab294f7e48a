-- Integer spellings PostgreSQL accepts, and keys the database does not generate.
CREATE TABLE ints (
    id serial PRIMARY KEY,
    a int,
    b int2,
    c int4,
    d int8,
    e smallint,
    f bigint NOT NULL DEFAULT 1
);
CREATE TABLE big_key (id bigint PRIMARY KEY, v text);
CREATE TABLE int_key (id integer PRIMARY KEY, v text);
CREATE TABLE refs (id serial PRIMARY KEY, big_id bigint REFERENCES big_key (id), int_id integer REFERENCES int_key (id));
