-- ON UPDATE actions and deferrable keys.
CREATE TABLE parents (id integer PRIMARY KEY);
CREATE TABLE kids (
    id integer PRIMARY KEY,
    a integer REFERENCES parents (id) ON UPDATE CASCADE,
    b integer REFERENCES parents (id) ON DELETE CASCADE ON UPDATE SET NULL,
    c integer REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED,
    d integer CONSTRAINT kids_d_fk REFERENCES parents (id) DEFERRABLE
);
