-- Time defaults as functions and SQL keywords.
CREATE TABLE stamps (
    id INTEGER PRIMARY KEY,
    a TEXT DEFAULT CURRENT_TIMESTAMP,
    b TEXT DEFAULT (CURRENT_TIMESTAMP),
    c TEXT DEFAULT CURRENT_DATE,
    d TEXT DEFAULT (datetime('now', 'localtime')),
    e INTEGER DEFAULT (unixepoch()),
    f TEXT DEFAULT '2000-01-01 00:00:00',
    g REAL DEFAULT (julianday('now'))
);
