-- Time defaults as functions and SQL keywords.
CREATE TABLE stamps (
    id serial PRIMARY KEY,
    a timestamptz DEFAULT now(),
    b timestamptz DEFAULT CURRENT_TIMESTAMP,
    c date DEFAULT CURRENT_DATE,
    d timestamp DEFAULT LOCALTIMESTAMP,
    e timestamptz DEFAULT statement_timestamp(),
    f timestamptz DEFAULT '2000-01-01 00:00:00+00',
    g date DEFAULT '1970-01-01',
    h bigint DEFAULT (extract(epoch from now()))::bigint
);
