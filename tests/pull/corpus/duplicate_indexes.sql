-- Two indexes on the same column (it happens).
CREATE TABLE things (id integer PRIMARY KEY, k integer NOT NULL, v text);
CREATE INDEX things_k ON things (k);
CREATE INDEX things_k_again ON things (k);
CREATE TABLE other (id integer PRIMARY KEY, k integer);
CREATE INDEX other_k ON other (k);
