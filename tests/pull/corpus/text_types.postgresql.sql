-- Text spellings PostgreSQL accepts.
CREATE TABLE texts (
    id serial PRIMARY KEY,
    a char(20),
    b varchar(255),
    c character varying(10) NOT NULL DEFAULT 'x',
    d text,
    e "char",
    f char,
    g name
);
