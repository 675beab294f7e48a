-- Binary columns.
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    content BLOB NOT NULL,
    thumb BLOB,
    sha BLOB UNIQUE,
    magic BLOB DEFAULT x'CAFE'
);
