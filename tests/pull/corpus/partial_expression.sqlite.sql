-- Partial and expression indexes.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    deleted_at TEXT,
    name TEXT
);
CREATE INDEX users_live ON users (email) WHERE deleted_at IS NULL;
CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);
CREATE UNIQUE INDEX tags_label_live ON tags (label) WHERE label <> '';
CREATE TABLE words (id INTEGER PRIMARY KEY, word TEXT NOT NULL);
CREATE INDEX words_lower ON words (lower(word));
CREATE TABLE sorted (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, s TEXT NOT NULL);
CREATE INDEX sorted_n_desc ON sorted (n DESC);
CREATE INDEX sorted_s_nocase ON sorted (s COLLATE NOCASE);
