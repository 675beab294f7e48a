-- A tree: rows that point at rows of the same table.
CREATE TABLE categories (
    id integer PRIMARY KEY,
    parent_id integer REFERENCES categories (id) ON DELETE CASCADE,
    name text NOT NULL
);
CREATE INDEX categories_parent ON categories (parent_id);
CREATE TABLE employees (
    id integer PRIMARY KEY,
    manager_id integer REFERENCES employees (id) ON DELETE SET NULL,
    mentor_id integer REFERENCES employees (id),
    name text NOT NULL
);
