-- String defaults that are easy to get wrong.
CREATE TABLE strings (
    id integer PRIMARY KEY,
    empty text NOT NULL DEFAULT '',
    quote text DEFAULT 'it''s',
    dquote text DEFAULT 'say "hi"',
    brackets text DEFAULT '[]',
    json text DEFAULT '{"a": [1, 2]}',
    percent text DEFAULT '100%',
    unicode text DEFAULT 'café ☕',
    spaces varchar(10) DEFAULT '  two  ',
    dashes text DEFAULT 'a -- b',
    star text DEFAULT '/* no */'
);
