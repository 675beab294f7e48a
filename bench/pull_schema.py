"""The schema bench/pull.py measures: sql(n, dialect) -> CREATE statements."""


def sql(n, dialect):
    out = ["BEGIN;"]
    for i in range(n):
        ref = "t%04d" % (i - 1) if i else None
        if dialect == "sqlite":
            cols = ["id INTEGER PRIMARY KEY",
                    "name VARCHAR(100) NOT NULL",
                    "email TEXT UNIQUE",
                    "score REAL DEFAULT 0",
                    "created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP",
                    "active BOOLEAN NOT NULL DEFAULT 1",
                    "notes TEXT",
                    "amount NUMERIC(10,2)",
                    "big BIGINT"]
            if ref:
                cols.append("parent_id INTEGER REFERENCES %s (id) ON DELETE CASCADE" % ref)
        else:
            cols = ["id serial PRIMARY KEY",
                    "name varchar(100) NOT NULL",
                    "email text UNIQUE",
                    "score real DEFAULT 0",
                    "created_at timestamptz NOT NULL DEFAULT now()",
                    "active boolean NOT NULL DEFAULT true",
                    "notes text",
                    "amount numeric(10,2)",
                    "big bigint"]
            if ref:
                cols.append("parent_id integer REFERENCES %s (id) ON DELETE CASCADE" % ref)
        out.append("CREATE TABLE t%04d (\n    %s\n);" % (i, ",\n    ".join(cols)))
        if dialect != "sqlite":
            out.append("COMMENT ON TABLE t%04d IS 'Table number %d.';" % (i, i))
        out.append("CREATE INDEX t%04d_name_idx ON t%04d (name);" % (i, i))
    out.append("COMMIT;")
    return "\n".join(out) + "\n"
