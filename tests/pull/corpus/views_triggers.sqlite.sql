-- A view and triggers next to the tables.
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, updated_at TEXT, deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE audit (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL, what TEXT NOT NULL);
CREATE VIEW live_items AS SELECT id, name FROM items WHERE NOT deleted;
CREATE TRIGGER items_touch AFTER UPDATE ON items BEGIN
    UPDATE items SET updated_at = datetime('now') WHERE id = new.id;
END;
CREATE TRIGGER items_audit AFTER DELETE ON items BEGIN
    INSERT INTO audit (item_id, what) VALUES (old.id, 'delete');
END;
