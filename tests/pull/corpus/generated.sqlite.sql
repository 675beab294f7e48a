-- Generated columns: the model language has none.
CREATE TABLE lines (
    id INTEGER PRIMARY KEY,
    qty INTEGER NOT NULL,
    price REAL NOT NULL,
    total REAL GENERATED ALWAYS AS (qty * price) STORED,
    label TEXT AS ('x' || id)
);
CREATE TABLE plain (id INTEGER PRIMARY KEY, n INTEGER);
