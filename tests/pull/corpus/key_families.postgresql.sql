-- Keys between types of one family (PostgreSQL accepts them), and a unique
-- index that repeats the primary key.
CREATE TABLE parents (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE codes (code text PRIMARY KEY, label text);
CREATE TABLE kids (
    id serial PRIMARY KEY,
    parent_id integer NOT NULL REFERENCES parents (id) ON DELETE CASCADE,
    small_parent smallint REFERENCES parents (id),
    code varchar(8) REFERENCES codes (code)
);
CREATE UNIQUE INDEX kids_id_again ON kids (id);
-- A key the database does not generate is written with MG_TYPE, and then
-- only columns of that very type can refer to it in the model.
CREATE TABLE big_keys (id bigint PRIMARY KEY);
CREATE TABLE big_refs (id serial PRIMARY KEY, big_id integer REFERENCES big_keys (id));
