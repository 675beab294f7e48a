-- Every ON DELETE action.
CREATE TABLE parents (id integer PRIMARY KEY);
CREATE TABLE children (
    id integer PRIMARY KEY,
    p_cascade integer REFERENCES parents (id) ON DELETE CASCADE,
    p_set_null integer REFERENCES parents (id) ON DELETE SET NULL,
    p_restrict integer NOT NULL REFERENCES parents (id) ON DELETE RESTRICT,
    p_no_action integer REFERENCES parents (id) ON DELETE NO ACTION,
    p_default integer REFERENCES parents (id),
    p_set_default integer DEFAULT 0 REFERENCES parents (id) ON DELETE SET DEFAULT
);
