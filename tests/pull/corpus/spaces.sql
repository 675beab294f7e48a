-- Names with spaces and punctuation: the model language cannot name them.
CREATE TABLE "order items" (id integer PRIMARY KEY, qty integer NOT NULL);
CREATE TABLE customers (
    id integer PRIMARY KEY,
    "first name" text NOT NULL,
    "last-name" text
);
CREATE TABLE plain (id integer PRIMARY KEY, label text);
