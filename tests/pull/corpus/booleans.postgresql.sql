-- Booleans with every default spelling.
CREATE TABLE flags (
    id serial PRIMARY KEY,
    is_admin boolean NOT NULL DEFAULT false,
    active bool NOT NULL DEFAULT TRUE,
    verified boolean DEFAULT 't',
    hidden boolean DEFAULT 'off',
    deleted boolean
);
