-- REFERENCES without a column means the parent's primary key.
CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE children (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES parents,
    other INTEGER,
    FOREIGN KEY (other) REFERENCES parents ON DELETE SET NULL
);
CREATE TABLE orphans (id INTEGER PRIMARY KEY, ghost_id INTEGER REFERENCES ghosts (id));
