-- Tables in another schema, and a key that points there.
CREATE SCHEMA audit;
CREATE TABLE audit.events (id serial PRIMARY KEY, what text);
CREATE TABLE users (id serial PRIMARY KEY, name text);
CREATE TABLE logins (id serial PRIMARY KEY, user_id integer REFERENCES users (id),
    event_id integer REFERENCES audit.events (id));
