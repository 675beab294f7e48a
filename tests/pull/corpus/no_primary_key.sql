-- A table without a primary key, and one whose key points at it.
CREATE TABLE log_lines (at bigint NOT NULL, msg text, code integer UNIQUE);
CREATE TABLE log_notes (id integer PRIMARY KEY, code integer REFERENCES log_lines (code), note text);
CREATE TABLE fine (id integer PRIMARY KEY, name text);
