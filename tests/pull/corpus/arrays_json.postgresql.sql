-- Arrays, JSON, UUIDs, network types.
CREATE TABLE docs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tags text[] NOT NULL DEFAULT '{}',
    scores integer[],
    matrix double precision[][],
    body jsonb NOT NULL DEFAULT '{}'::jsonb,
    raw json,
    ip inet,
    net cidr,
    mac macaddr,
    bits bit(8),
    price money,
    search tsvector
);
CREATE TABLE doc_links (
    id serial PRIMARY KEY,
    doc_id uuid NOT NULL REFERENCES docs (id) ON DELETE CASCADE
);
