-- Text spellings SQLite accepts.
CREATE TABLE texts (
    id INTEGER PRIMARY KEY,
    a CHARACTER(20),
    b VARCHAR(255),
    c VARYING CHARACTER(255),
    d NCHAR(55),
    e NATIVE CHARACTER(70),
    f NVARCHAR(100),
    g TEXT,
    h CLOB,
    i VARCHAR,
    j varchar(10) NOT NULL DEFAULT 'x'
);
