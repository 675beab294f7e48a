-- Indexes named by hand, one- and many-column, unique and not.
CREATE TABLE photos (
    id integer PRIMARY KEY,
    owner_id integer NOT NULL,
    album_id integer,
    taken_at bigint NOT NULL,
    sha text NOT NULL,
    title text
);
CREATE INDEX idx_photos_owner ON photos (owner_id);
CREATE INDEX photos_album_taken_idx ON photos (album_id, taken_at);
CREATE UNIQUE INDEX photos_sha_key ON photos (sha);
CREATE UNIQUE INDEX ux_photos_owner_title ON photos (owner_id, title);
CREATE INDEX ix_photos_taken_at ON photos (taken_at);
