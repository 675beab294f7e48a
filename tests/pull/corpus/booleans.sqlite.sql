-- Booleans as people store them in SQLite: INTEGER 0/1, BOOLEAN, TRUE.
CREATE TABLE flags (
    id INTEGER PRIMARY KEY,
    is_admin INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT 1,
    verified BOOLEAN DEFAULT TRUE,
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    deleted BOOL DEFAULT 0
);
