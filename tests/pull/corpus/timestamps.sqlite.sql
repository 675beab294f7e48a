-- Dates and times the SQLite way: declared types SQLite does not check.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    at_local TIMESTAMP,
    day DATE DEFAULT CURRENT_DATE,
    starts TIME DEFAULT CURRENT_TIME,
    created TEXT DEFAULT (datetime('now')),
    unix INTEGER DEFAULT (strftime('%s', 'now'))
);
