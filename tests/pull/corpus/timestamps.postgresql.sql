-- Every kind of date and time, with precision.
CREATE TABLE events (
    id bigserial PRIMARY KEY,
    at timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    at_local timestamp without time zone,
    at_ms timestamp(3) with time zone,
    day date NOT NULL DEFAULT CURRENT_DATE,
    starts time,
    starts_tz time with time zone,
    lasts interval DEFAULT '1 hour',
    created timestamptz DEFAULT (now() AT TIME ZONE 'utc')
);
