-- A content management schema in the style of a PostgreSQL application.
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    username varchar(50) NOT NULL UNIQUE,
    email varchar(254) NOT NULL,
    password_hash text NOT NULL,
    is_staff boolean NOT NULL DEFAULT false,
    date_joined timestamptz NOT NULL DEFAULT now(),
    last_login timestamptz
);
CREATE UNIQUE INDEX users_email_lower ON users (email);
CREATE TABLE pages (
    id bigserial PRIMARY KEY,
    parent_id bigint REFERENCES pages (id) ON DELETE CASCADE,
    slug varchar(100) NOT NULL,
    title varchar(255) NOT NULL,
    body text NOT NULL DEFAULT '',
    author_id bigint REFERENCES users (id) ON DELETE SET NULL,
    published_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (parent_id, slug)
);
CREATE INDEX pages_published ON pages (published_at);
CREATE TABLE media (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    page_id bigint REFERENCES pages (id) ON DELETE CASCADE,
    filename text NOT NULL,
    mime varchar(100) NOT NULL DEFAULT 'application/octet-stream',
    bytes bigint NOT NULL,
    data bytea
);
CREATE TABLE page_revisions (
    page_id bigint NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    revision integer NOT NULL,
    body text NOT NULL,
    saved_at timestamptz NOT NULL DEFAULT now(),
    saved_by bigint REFERENCES users (id),
    PRIMARY KEY (page_id, revision)
);
COMMENT ON TABLE pages IS 'Pages of the site, as a tree.';
COMMENT ON COLUMN pages.slug IS 'URL segment, unique among siblings.';
