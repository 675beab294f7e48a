-- A view, a materialized view, a trigger and its function.
CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, updated_at timestamptz,
    deleted boolean NOT NULL DEFAULT false);
CREATE VIEW live_items AS SELECT id, name FROM items WHERE NOT deleted;
CREATE MATERIALIZED VIEW item_count AS SELECT count(*) AS n FROM items;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();
CREATE SEQUENCE ticket_numbers;
