-- A full-text virtual table and its shadow tables.
CREATE VIRTUAL TABLE docs_fts USING fts5(title, body);
CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT);
