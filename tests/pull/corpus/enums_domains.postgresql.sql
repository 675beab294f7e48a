-- Enum and domain types: kept by name; a new database must have them first.
-- prelude
CREATE TYPE mood AS ENUM ('happy', 'sad', 'neutral');
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
-- end prelude
CREATE TABLE people (
    id serial PRIMARY KEY,
    feeling mood NOT NULL DEFAULT 'neutral',
    contact email,
    history mood[]
);
