-- Names at the 63-byte limit: derived names are cut and hashed.
CREATE TABLE a_table_with_a_rather_long_name_that_goes_on_and_on_for_ever (
    id integer PRIMARY KEY,
    a_column_with_an_equally_long_name_that_also_goes_on_for_ever_x integer NOT NULL,
    other integer
);
CREATE INDEX short_ix ON a_table_with_a_rather_long_name_that_goes_on_and_on_for_ever
    (a_column_with_an_equally_long_name_that_also_goes_on_for_ever_x);
CREATE INDEX ix_a_table_with_a_rather_long_name_that_goes_on_and_4d2c8b67
    ON a_table_with_a_rather_long_name_that_goes_on_and_on_for_ever (other);
