-- Two tables that point at each other, and a three-table cycle.
CREATE TABLE teams (
    id integer PRIMARY KEY,
    captain_id integer REFERENCES players (id) ON DELETE SET NULL,
    name text NOT NULL
);
CREATE TABLE players (
    id integer PRIMARY KEY,
    team_id integer REFERENCES teams (id) ON DELETE SET NULL,
    name text NOT NULL
);
CREATE TABLE a (id integer PRIMARY KEY, b_id integer REFERENCES b (id));
CREATE TABLE b (id integer PRIMARY KEY, c_id integer REFERENCES c (id));
CREATE TABLE c (id integer PRIMARY KEY, a_id integer REFERENCES a (id));
