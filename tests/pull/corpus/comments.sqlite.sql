CREATE TABLE books ( -- Books on the shelf.
    id INTEGER PRIMARY KEY, -- the row number
    title TEXT NOT NULL,    -- Title as printed on the cover.
    -- ISBN-13, digits only
    isbn VARCHAR(13),
    notes TEXT /* free text */
);
CREATE TABLE shelves (
    id INTEGER PRIMARY KEY,
    label TEXT -- the last column's comment
);
