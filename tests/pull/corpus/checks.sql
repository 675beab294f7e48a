-- CHECK constraints, named and not, on a column and on the table.
CREATE TABLE products (
    id integer PRIMARY KEY,
    name text NOT NULL CHECK (length(name) > 0),
    price numeric(10,2) NOT NULL CONSTRAINT price_positive CHECK (price >= 0),
    discount numeric(10,2) NOT NULL DEFAULT 0,
    CHECK (discount <= price),
    CONSTRAINT sane_name CHECK (name <> 'x')
);
