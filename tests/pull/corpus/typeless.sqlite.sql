-- Columns without a declared type (SQLite allows it).
CREATE TABLE loose (id INTEGER PRIMARY KEY, a, b TEXT);
CREATE TABLE tight (id INTEGER PRIMARY KEY, b TEXT);
