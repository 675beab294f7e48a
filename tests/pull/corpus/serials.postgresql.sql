-- serial, bigserial and smallserial keys, and the columns that refer to them.
CREATE TABLE regions (id smallserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE customers (
    id serial PRIMARY KEY,
    region_id smallint REFERENCES regions (id),
    name varchar(100) NOT NULL
);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    placed_at timestamptz NOT NULL DEFAULT now()
);
