-- Keys that are not integers.
CREATE TABLE settings (key text PRIMARY KEY, value text);
CREATE TABLE currencies (code char(3) NOT NULL PRIMARY KEY, name text NOT NULL);
CREATE TABLE rates (
    currency char(3) NOT NULL REFERENCES currencies (code),
    day varchar(10) NOT NULL,
    rate double precision NOT NULL,
    PRIMARY KEY (currency, day)
);
