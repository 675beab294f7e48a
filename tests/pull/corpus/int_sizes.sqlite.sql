-- Integer spellings SQLite accepts.
CREATE TABLE ints (
    id INTEGER PRIMARY KEY,
    a INT,
    b TINYINT,
    c SMALLINT,
    d MEDIUMINT,
    e BIGINT,
    f UNSIGNED BIG INT,
    g INT2,
    h INT8,
    i integer NOT NULL DEFAULT 1
);
CREATE TABLE big_key (id BIGINT PRIMARY KEY, v TEXT);
CREATE TABLE int_key (id INT PRIMARY KEY, v TEXT);
