-- Partitioned and inheriting tables, UNLOGGED, row level security.
CREATE TABLE measurements (id bigint NOT NULL, at date NOT NULL, v real,
    PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE base (id serial PRIMARY KEY, name text);
CREATE TABLE derived_things (extra text) INHERITS (base);
CREATE UNLOGGED TABLE cache (k text PRIMARY KEY, v bytea);
CREATE TABLE secrets (id serial PRIMARY KEY, owner text NOT NULL, body text);
ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON secrets USING (owner = current_user);
