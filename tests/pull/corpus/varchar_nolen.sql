-- varchar without a length next to text.
CREATE TABLE notes (
    id integer PRIMARY KEY,
    title varchar NOT NULL,
    body text,
    tag varchar(20)
);
