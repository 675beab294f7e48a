-- A content management schema in the style of a SQLite application.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username VARCHAR(50) NOT NULL UNIQUE,
    email VARCHAR(254) NOT NULL,
    password_hash TEXT NOT NULL,
    is_staff INTEGER NOT NULL DEFAULT 0,
    date_joined DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_login DATETIME
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES pages (id) ON DELETE CASCADE,
    slug VARCHAR(100) NOT NULL,
    title VARCHAR(255) NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    published_at DATETIME,
    UNIQUE (parent_id, slug)
);
CREATE INDEX pages_published ON pages (published_at);
CREATE TABLE page_revisions (
    page_id INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    body TEXT NOT NULL,
    saved_by INTEGER REFERENCES users (id),
    PRIMARY KEY (page_id, revision)
);
