-- Two tables that point at each other, and a three-table cycle
-- (PostgreSQL needs the keys added after the tables).
CREATE TABLE teams (id integer PRIMARY KEY, captain_id integer, name text NOT NULL);
CREATE TABLE players (id integer PRIMARY KEY, team_id integer REFERENCES teams (id) ON DELETE SET NULL,
    name text NOT NULL);
ALTER TABLE teams ADD FOREIGN KEY (captain_id) REFERENCES players (id) ON DELETE SET NULL;
CREATE TABLE a (id integer PRIMARY KEY, b_id integer);
CREATE TABLE b (id integer PRIMARY KEY, c_id integer);
CREATE TABLE c (id integer PRIMARY KEY, a_id integer REFERENCES a (id));
ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id);
ALTER TABLE b ADD CONSTRAINT b_c FOREIGN KEY (c_id) REFERENCES c (id);
