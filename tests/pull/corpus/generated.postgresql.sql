-- Generated columns: the model language has none.
CREATE TABLE lines (
    id serial PRIMARY KEY,
    qty integer NOT NULL,
    price numeric NOT NULL,
    total numeric GENERATED ALWAYS AS (qty * price) STORED
);
CREATE TABLE plain (id serial PRIMARY KEY, n integer);
