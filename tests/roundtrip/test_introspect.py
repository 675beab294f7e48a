#!/usr/bin/env python3
"""Self-test of introspect.py: the dump ignores what it claims to ignore
(column order, catalog order, bookkeeping tables) and sees every difference
it claims to see (type, nullability, default, primary key, unique, index,
foreign key target and action, names).

    test_introspect.py WORKDIR [PG_URL_FILE]

SQLite always; PostgreSQL too when PG_URL_FILE names a server (a database
rt_intro_<pid> is created there and dropped). Exit 0 or 1 with the case.
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import introspect  # noqa: E402

OPTS = {"column_order": False, "no_names": False, "no_comments": False}

BASE = [
    "CREATE TABLE p (id BIGINT NOT NULL, code VARCHAR(10) NOT NULL,"
    " CONSTRAINT pk_p PRIMARY KEY (id))",
    "CREATE UNIQUE INDEX uq_p_code ON p (code)",
    "CREATE TABLE c (id BIGINT NOT NULL, p_id BIGINT, n INTEGER NOT NULL DEFAULT 0,"
    " note TEXT, CONSTRAINT pk_c PRIMARY KEY (id),"
    " CONSTRAINT fk_c_p_id FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE)",
    "CREATE INDEX ix_c_n ON c (n)",
]

# Same schema: columns declared in another order, objects created in
# another order, a bookkeeping table.
SAME = [
    "CREATE TABLE modelgen_migrations (number INTEGER)",
    "CREATE TABLE p (code VARCHAR(10) NOT NULL, id BIGINT NOT NULL,"
    " CONSTRAINT pk_p PRIMARY KEY (id))",
    "CREATE TABLE c (note TEXT, n INTEGER NOT NULL DEFAULT 0, p_id BIGINT, id BIGINT NOT NULL,"
    " CONSTRAINT pk_c PRIMARY KEY (id),"
    " CONSTRAINT fk_c_p_id FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE)",
    "CREATE INDEX ix_c_n ON c (n)",
    "CREATE UNIQUE INDEX uq_p_code ON p (code)",
]


def variant(old, new):
    out = [s.replace(old, new) for s in BASE]
    assert out != BASE, old
    return out


DIFFERENT = {
    "type": variant("n INTEGER", "n BIGINT"),
    "length": variant("VARCHAR(10)", "VARCHAR(11)"),
    "nullability": variant("note TEXT", "note TEXT NOT NULL"),
    "default": variant("DEFAULT 0", "DEFAULT 1"),
    "no default": variant(" DEFAULT 0", ""),
    "primary key": variant("CONSTRAINT pk_c PRIMARY KEY (id)", "CONSTRAINT pk_c PRIMARY KEY (id, n)"),
    "unique to index": variant("CREATE UNIQUE INDEX uq_p_code", "CREATE INDEX uq_p_code"),
    "index columns": variant("ix_c_n ON c (n)", "ix_c_n ON c (n, note)"),
    "index name": variant("ix_c_n", "ix_c_n2"),
    "index dropped": [s for s in BASE if "ix_c_n" not in s],
    "fk action": variant("ON DELETE CASCADE", "ON DELETE SET NULL"),
    "fk name": variant("fk_c_p_id", "fk_c_parent"),
    "fk dropped": variant(
        " CONSTRAINT fk_c_p_id FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE",
        " CONSTRAINT ck_c CHECK (n >= 0)"),
    "column renamed": variant("note", "remark"),
    "table renamed": [s.replace("TABLE c ", "TABLE c2 ").replace("ON c (", "ON c2 (") for s in BASE],
}


class Sqlite:
    name = "sqlite"

    def __init__(self, workdir):
        self.workdir = workdir
        self.n = 0

    def dump(self, statements, opts=OPTS):
        import sqlite3

        self.n += 1
        path = os.path.join(self.workdir, "intro%d.db" % self.n)
        if os.path.exists(path):
            os.unlink(path)
        con = sqlite3.connect(path)
        for s in statements:
            con.execute(s)
        con.commit()
        con.close()
        return introspect.sqlite_dump(path, opts)


class Pg:
    name = "postgresql"

    def __init__(self, url):
        self.base = url
        self.db = "rt_intro_%d" % os.getpid()
        self.psql(url, 'DROP DATABASE IF EXISTS "%s"' % self.db)
        self.psql(url, 'CREATE DATABASE "%s"' % self.db)
        import urllib.parse

        parts = urllib.parse.urlsplit(url)
        self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.db))

    @staticmethod
    def psql(url, sql):
        env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                       check=True, stdout=subprocess.DEVNULL, env=env)

    def prepare(self, sets):
        """Creates each statement set in a schema of its own, in one go."""
        self.schemas = {}
        sql = []
        for i, statements in enumerate(sets):
            key = "\n".join(statements)
            if key in self.schemas:
                continue
            self.schemas[key] = "v%d" % i
            sql.append("CREATE SCHEMA v%d; SET search_path = v%d; %s;"
                       % (i, i, ";".join(statements)))
        self.psql(self.url, "\n".join(sql))

    def dump(self, statements, opts=OPTS):
        schema = self.schemas["\n".join(statements)]
        saved = os.environ.get("PGOPTIONS")
        os.environ["PGOPTIONS"] = "-c search_path=%s" % schema
        try:
            return introspect.pg_dump(self.url, opts)
        finally:
            if saved is None:
                del os.environ["PGOPTIONS"]
            else:
                os.environ["PGOPTIONS"] = saved

    def close(self):
        self.psql(self.base, 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % self.db)


def check(db):
    failures = []
    if hasattr(db, "prepare"):
        db.prepare([BASE, SAME] + list(DIFFERENT.values()))
    base = db.dump(BASE)
    if db.dump(SAME) != base:
        failures.append("%s: same schema, other column and object order: dumps differ" % db.name)
    if db.dump(SAME, dict(OPTS, column_order=True)) == db.dump(BASE, dict(OPTS, column_order=True)):
        failures.append("%s: --column-order does not see the column order" % db.name)
    for what, statements in sorted(DIFFERENT.items()):
        if db.dump(statements) == base:
            failures.append("%s: %s: dumps equal" % (db.name, what))
    if db.dump(DIFFERENT["index name"], dict(OPTS, no_names=True)) != \
            db.dump(BASE, dict(OPTS, no_names=True)):
        failures.append("%s: --no-names still sees an index name" % db.name)
    return failures


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    failures = check(Sqlite(argv[1]))
    ran = ["sqlite"]
    if len(argv) > 2 and os.path.exists(argv[2]):
        with open(argv[2]) as f:
            pg = Pg(f.read().strip())
        try:
            failures += check(pg)
        finally:
            pg.close()
        ran.append("postgresql")
    for f in failures:
        sys.stderr.write("test_introspect: %s\n" % f)
    if not failures:
        print("test_introspect: %s: ok" % ", ".join(ran))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
