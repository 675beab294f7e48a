-- Numeric defaults: zero, negative, fractions, exponents, signs.
CREATE TABLE numbers (
    id integer PRIMARY KEY,
    zero integer NOT NULL DEFAULT 0,
    minus integer DEFAULT -1,
    big bigint DEFAULT -9223372036854775808,
    small smallint DEFAULT -32768,
    half double precision DEFAULT 0.5,
    neg_half real DEFAULT -0.5,
    expo double precision DEFAULT 1.5e10,
    money numeric(10,2) DEFAULT -12.34,
    plus integer DEFAULT +7
);
