-- Table and column comments.
CREATE TABLE books (
    id serial PRIMARY KEY,
    title text NOT NULL,
    isbn varchar(13),
    notes text
);
COMMENT ON TABLE books IS 'Books on the shelf.';
COMMENT ON COLUMN books.title IS 'Title as printed on the cover.';
COMMENT ON COLUMN books.isbn IS 'ISBN-13, digits only';
COMMENT ON COLUMN books.notes IS 'Free text.
Several lines,   with  spaces.';
CREATE TABLE shelves (id serial PRIMARY KEY, label text);
COMMENT ON TABLE shelves IS '*Starred* comment with a /* comment */ inside';
