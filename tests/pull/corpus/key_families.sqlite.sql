-- Keys between types of one family (SQLite accepts any), and a unique index
-- that repeats the primary key.
CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE codes (code TEXT NOT NULL PRIMARY KEY, label TEXT);
CREATE TABLE kids (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER NOT NULL REFERENCES parents (id) ON DELETE CASCADE,
    small_parent SMALLINT REFERENCES parents (id),
    big_parent BIGINT REFERENCES parents (id),
    code VARCHAR(8) REFERENCES codes (code)
);
CREATE UNIQUE INDEX kids_id_again ON kids (id);
-- A key the database does not generate is written with MG_TYPE, and then
-- only columns of that very type can refer to it in the model.
CREATE TABLE big_keys (id BIGINT NOT NULL PRIMARY KEY);
CREATE TABLE big_refs (id INTEGER PRIMARY KEY, big_id INTEGER REFERENCES big_keys (id));
