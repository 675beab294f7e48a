-- Exact and inexact numbers.
CREATE TABLE prices (
    id integer PRIMARY KEY,
    amount numeric(10,2) NOT NULL,
    exact numeric,
    ratio decimal(5,4),
    weight real,
    score double precision DEFAULT 0.5,
    stock smallint NOT NULL DEFAULT 0,
    big bigint
);
