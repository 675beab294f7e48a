-- Partial, expression, descending and non-btree indexes.
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, deleted_at timestamptz, name text);
CREATE INDEX users_live ON users (email) WHERE deleted_at IS NULL;
CREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL);
CREATE UNIQUE INDEX tags_label_live ON tags (label) WHERE label <> '';
CREATE TABLE words (id serial PRIMARY KEY, word text NOT NULL);
CREATE INDEX words_lower ON words (lower(word));
CREATE TABLE sorted (id serial PRIMARY KEY, n integer NOT NULL, s text NOT NULL, doc jsonb);
CREATE INDEX sorted_n_desc ON sorted (n DESC);
CREATE INDEX sorted_s_c ON sorted (s COLLATE "C");
CREATE INDEX sorted_n_incl ON sorted (n) INCLUDE (s);
CREATE TABLE docs (id serial PRIMARY KEY, body jsonb);
CREATE INDEX docs_body ON docs USING gin (body);
