#!/usr/bin/env python3
"""Round-trip proof for the demo history (generated/) on one dialect, with the
real dbupdate and a schema dump independent of the runtime (introspect.py):

  (a) replaying every migration from an empty database (`dbupdate --to 1`,
      `--to 2`, ...: --to N below the latest replays, it never takes the
      create path) ends in exactly the schema the create path (`dbupdate` on
      another empty database) gives at the latest migration;
  (b) for each migration N, `--to N-1` then `--to N` gives the schema at N-1
      and then the schema at N back (--force across an irreversible one);
  (c) before each step, rows are added to every table (values derived from
      the live columns: every type, NULLs in nullable columns, keys pointing
      at existing rows); after the step every row of every table is still
      there with its values, following renamed tables and columns; dropped
      tables and columns, a NOT NULL tightening that fills NULLs from the
      default, and the hand-written backfill are the only expected changes,
      and each is checked.

    roundtrip.py sqlite DBUPDATE WORKDIR
    roundtrip.py postgresql DBUPDATE WORKDIR PG_URL_FILE

Exit 0 when every check passes, 1 with the step and a diff on stderr when
one fails, 77 (ctest skip) when the PostgreSQL URL file is missing, 3 on any
other error. A database per run: SQLite files in WORKDIR, PostgreSQL
databases rt_<pid>_* created on the server and dropped at the end.
"""

import difflib
import json
import os
import re
import sqlite3
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import introspect  # noqa: E402

OPTS = {"column_order": False, "no_names": False, "no_comments": False}

# What each migration of the demo history does to existing rows beyond
# keeping them (see generated/migrations/*.c). Anything not listed here must
# come through a step unchanged.
RENAMED_TABLES = {2: {"posts": "media_entries"}}
RENAMED_COLUMNS = {3: {("users", "full_name"): "display_name"}}
DROPPED_TABLES = {12: {"albums"}}
DROPPED_COLUMNS = {12: {("media_entries", "album_id")}}
FILLED_FROM_DEFAULT = {7: {("media_entries", "hidden"): 0}}  # NULL -> false
BACKFILLED = {10: ("tags", "usage_count")}
IRREVERSIBLE = {12}


class Failed(Exception):
    pass


def fail(step, what, a=None, b=None, names=("expected", "got")):
    msg = "roundtrip: %s: %s" % (step, what)
    if a is not None:
        diff = difflib.unified_diff(a, b, names[0], names[1], lineterm="", n=2)
        msg += "\n" + "\n".join(diff)
    raise Failed(msg)


# ------------------------------------------------------------ databases

class SqliteDb:
    def __init__(self, workdir, name):
        self.path = os.path.join(os.path.abspath(workdir), name + ".db")
        for suffix in ("", "-journal", "-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.unlink(self.path + suffix)
        self.url = "sqlite://" + self.path
        self.dialect = "sqlite"

    def dump(self):
        if not os.path.exists(self.path):
            return ["dialect sqlite"]
        return introspect.sqlite_dump(self.path, OPTS)

    def execute(self, statements):
        con = sqlite3.connect(self.path)
        try:
            con.execute("PRAGMA foreign_keys = ON")
            for sql in statements:
                con.execute(sql)
            con.commit()
        finally:
            con.close()

    def read(self, tables):
        con = sqlite3.connect(self.path)
        try:
            out = {}
            for t in tables:
                cur = con.execute('SELECT * FROM "%s"' % t)
                cols = [d[0] for d in cur.description]
                out[t] = [dict(zip(cols, [norm(v) for v in row])) for row in cur.fetchall()]
            return out
        finally:
            con.close()

    def blob(self, data):
        return "X'%s'" % data.hex()

    def drop(self):
        pass


class PgDb:
    def __init__(self, base_url, name):
        self.base = base_url
        self.name = "rt_%d_%s" % (os.getpid(), name)
        psql(base_url, 'DROP DATABASE IF EXISTS "%s"' % self.name)
        psql(base_url, 'CREATE DATABASE "%s"' % self.name)
        parts = urllib.parse.urlsplit(base_url)
        self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.name))
        self.dialect = "postgresql"

    def dump(self):
        return introspect.pg_dump(self.url, OPTS)

    def execute(self, statements):
        psql(self.url, "BEGIN;\n" + ";\n".join(statements) + ";\nCOMMIT;")

    def read(self, tables):
        if not tables:
            return {}
        sql = "SELECT json_build_object(%s)" % ", ".join(
            "'%s', (SELECT coalesce(json_agg(x), '[]') FROM \"%s\" x)" % (t, t) for t in tables
        )
        data = json.loads(psql(self.url, sql))
        return {t: [{k: norm(v) for k, v in row.items()} for row in rows]
                for t, rows in data.items()}

    def blob(self, data):
        return "'\\x%s'::bytea" % data.hex()

    def drop(self):
        psql(self.base, 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % self.name)


def psql(url, sql):
    proc = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url,
                           "-c", sql], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))
    if proc.returncode != 0:
        raise RuntimeError("psql: %s\n%s" % (proc.stderr.decode().strip(), sql))
    return proc.stdout.decode()


def norm(v):
    """One spelling per value on both dialects: booleans as 0/1, numbers
    that are whole as int, blobs as hex text."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(v).hex()
    return v


# -------------------------------------------------------------- dbupdate

def dbupdate(exe, db, *args):
    proc = subprocess.run([exe, "-q"] + list(args) + [db.url], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=dict(os.environ, NO_COLOR="1"))
    if proc.returncode != 0:
        raise Failed("roundtrip: dbupdate %s %s: exit %d\n%s%s" % (
            " ".join(args), db.url, proc.returncode, proc.stdout.decode(),
            proc.stderr.decode()))
    return proc.stdout.decode()


def verify_at(exe, db, n):
    proc = subprocess.run([exe, "--verify", db.url], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=dict(os.environ, NO_COLOR="1"))
    out = proc.stdout.decode()
    if proc.returncode != 0:
        fail(n, "dbupdate --verify at %d: exit %d\n%s" % (n, proc.returncode, out))


def latest_migration(exe, db):
    out = subprocess.run([exe, "--status", db.url], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT).stdout.decode()
    m = re.search(r"latest:\s+migration (\d+)", out)
    if not m:
        raise RuntimeError("dbupdate --status: no latest migration in:\n" + out)
    return int(m.group(1))


# ------------------------------------------------------------------ rows

def parse_dump(lines):
    """{table: {"columns": {name: (type, notnull, has_default)},
    "pk": [cols], "fks": {col: parent table}, "unique": [cols...]}}"""
    tables = {}
    cur = None
    for line in lines:
        if line.startswith("table "):
            cur = tables[line[6:]] = {"columns": {}, "pk": [], "fks": {}, "unique": []}
        elif line.startswith("  column ") and cur is not None:
            words = line.split()
            name = words[1]
            rest = " ".join(words[2:])
            typ = rest.split(" NOT NULL")[0].split(" DEFAULT")[0].split(" IDENTITY")[0]
            typ = typ.split(" COMMENT")[0].lower()
            cur["columns"][name] = (typ, " NOT NULL" in rest, " DEFAULT " in rest,
                                    "IDENTITY" in rest)
        elif line.startswith("  primary key ") and cur is not None:
            cur["pk"] = re.search(r"\(([^)]*)\)", line).group(1).split(", ")
        elif line.startswith("  unique ") and cur is not None:
            cur["unique"].append(re.search(r"\(([^)]*)\)", line).group(1).split(", "))
        elif line.startswith("  foreign key ") and cur is not None:
            m = re.search(r"\(([^)]*)\) -> (\S+) \(", line)
            cur["fks"][m.group(1)] = m.group(2)
    return tables


def insert_order(schema):
    """Parents before children (self-references ignored), ties by name."""
    done, order = set(), []
    names = sorted(schema)
    while len(order) < len(names):
        for t in names:
            if t in done:
                continue
            parents = {p for p in schema[t]["fks"].values() if p != t and p in schema}
            if parents <= done:
                done.add(t)
                order.append(t)
                break
        else:
            raise RuntimeError("foreign key cycle among %s" % sorted(set(names) - done))
    return order


def literal(db, typ, n, col, nullable):
    """A value of type `typ` for row serial `n` (unique per run)."""
    if nullable and n % 3 == 0:
        return "NULL"
    m = re.search(r"\((\d+)", typ)
    if "bool" in typ:
        return "TRUE" if n % 2 else "FALSE"
    if "char" in typ or "text" in typ:
        text = "%s %d it's \u00e9" % (col, n)
        if m:
            text = text[-int(m.group(1)):]
        return "'" + text.replace("'", "''") + "'"
    if "blob" in typ or "bytea" in typ:
        return db.blob(bytes([n % 256, 0, 255, (n * 7) % 256]))
    if "numeric" in typ or "double" in typ or "real" in typ:
        return "%d.25" % n
    if "smallint" in typ:
        return str(n % 30000)
    return str(n * 10 + 1)


class Seeder:
    """Adds rows to every table of the live schema; remembers the serials
    it used so that unique values never collide."""

    def __init__(self, db):
        self.db = db
        self.serial = 100

    def seed(self, schema, existing, rows_per_table=2):
        """`existing`: the rows now in the tables of `schema` (db.read)."""
        statements = []
        new_ids = {t: [r.get(schema[t]["pk"][0]) for r in existing.get(t, [])] if schema[t]["pk"] else []
                   for t in schema}
        start = {}
        for t in insert_order(schema):
            info = schema[t]
            start[t] = len(statements)
            used_keys = {tuple(str(r.get(c)) for c in info["pk"]) for r in existing.get(t, [])}
            for _ in range(rows_per_table * 10):
                if len(statements) - start[t] >= rows_per_table:
                    break
                self.serial += 1
                n = self.serial
                cols, vals = [], []
                key = []
                radix = n  # walks the combinations of a composite key
                for c, (typ, notnull, _has_default, _identity) in info["columns"].items():
                    parent = info["fks"].get(c)
                    if parent is not None:
                        choices = new_ids.get(parent) or []
                        if not choices:
                            if notnull:
                                raise RuntimeError("%s.%s: no parent row" % (t, c))
                            v = "NULL"
                        elif c in info["pk"]:
                            v = str(choices[radix % len(choices)])
                            radix //= len(choices)
                        elif not notnull and n % 3 == 0:
                            v = "NULL"
                        else:
                            v = str(choices[n % len(choices)])
                    elif c in info["pk"] and len(info["pk"]) == 1:
                        v = str(n)
                    else:
                        v = literal(self.db, typ, n, c, not notnull)
                    cols.append('"%s"' % c)
                    vals.append(v)
                    if c in info["pk"]:
                        key.append(v)
                if len(info["pk"]) > 1:
                    if tuple(key) in used_keys:
                        continue
                    used_keys.add(tuple(key))
                statements.append('INSERT INTO "%s" (%s) VALUES (%s)'
                                  % (t, ", ".join(cols), ", ".join(vals)))
                if len(info["pk"]) == 1:
                    new_ids[t].append(n)
        self.db.execute(statements)


def project(rows, mapping):
    """Rows as sorted JSON strings over the columns of `mapping` (old name
    -> name to show), for a multiset comparison."""
    out = []
    for r in rows:
        out.append(json.dumps({mapping[c]: r[c] for c in mapping}, sort_keys=True))
    return sorted(out)


def check_rows(step, before, after, schema_after, db):
    for t, rows in before.items():
        if t in DROPPED_TABLES.get(step, set()):
            continue
        t2 = RENAMED_TABLES.get(step, {}).get(t, t)
        if t2 not in after:
            fail(step, "table %s (now %s) is gone" % (t, t2))
        if len(after[t2]) != len(rows):
            fail(step, "%s had %d rows, %s has %d" % (t, len(rows), t2, len(after[t2])))
        mapping = {}
        for c in (rows[0].keys() if rows else []):
            if (t, c) in DROPPED_COLUMNS.get(step, set()):
                continue
            c2 = RENAMED_COLUMNS.get(step, {}).get((t, c), c)
            if rows and c2 not in after[t2][0]:
                fail(step, "column %s.%s (now %s.%s) is gone" % (t, c, t2, c2))
            if BACKFILLED.get(step) == (t2, c2):
                continue
            mapping[c] = c2
        fill = {c: v for (ft, c), v in FILLED_FROM_DEFAULT.get(step, {}).items() if ft == t}
        expected_rows = []
        for r in rows:
            r = dict(r)
            for c, v in fill.items():
                if r.get(c) is None:
                    r[c] = v
            expected_rows.append(r)
        exp = project(expected_rows, mapping)
        got = project(after[t2], {c2: c2 for c2 in mapping.values()})
        if exp != got:
            fail(step, "rows of %s changed" % t2, exp, got,
                 ("%s before" % t, "%s after" % t2))
    if step in BACKFILLED:
        t, c = BACKFILLED[step]
        counts = {}
        for r in after["media_entry_tags"]:
            counts[r["tag_id"]] = counts.get(r["tag_id"], 0) + 1
        for r in after[t]:
            if r[c] != counts.get(r["id"], 0):
                fail(step, "backfill: tag %s has usage_count %s, %d entries"
                     % (r["id"], r[c], counts.get(r["id"], 0)))
        if not any(after[t]) or not counts:
            fail(step, "backfill: no tagged rows to check it on")


# ------------------------------------------------------------------ main

def run(dialect, exe, workdir, base_url):
    os.makedirs(workdir, exist_ok=True)
    made = []

    def new_db(name):
        db = SqliteDb(workdir, name) if dialect == "sqlite" else PgDb(base_url, name)
        made.append(db)
        return db

    try:
        migrate = new_db("migrate")
        latest = latest_migration(exe, migrate)
        seeder = Seeder(migrate)
        dumps = {0: migrate.dump()}
        current = {}
        for n in range(1, latest + 1):
            schema = parse_dump(dumps[n - 1])
            if schema:
                seeder.seed(schema, current)
            before = migrate.read(list(schema))
            dbupdate(exe, migrate, "--to", str(n))
            dumps[n] = migrate.dump()
            schema_n = parse_dump(dumps[n])
            after = migrate.read(list(schema_n))
            check_rows(n, before, after, schema_n, migrate)  # (c)
            # The runtime's own verify agrees at every step (its expected
            # schema at N is computed by undoing later migrations).
            verify_at(exe, migrate, n)
            # (b) down then up.
            down = ["--to", str(n - 1)] + (["--force"] if n in IRREVERSIBLE else [])
            dbupdate(exe, migrate, *down)
            got = migrate.dump()
            if got != dumps[n - 1]:
                fail(n, "down to %d: schema differs from the schema at %d" % (n - 1, n - 1),
                     dumps[n - 1], got, ("at %d" % (n - 1), "down from %d" % n))
            dbupdate(exe, migrate, "--to", str(n))
            got = migrate.dump()
            if got != dumps[n]:
                fail(n, "down and up again: schema differs from the schema at %d" % n,
                     dumps[n], got, ("at %d" % n, "down and up"))
            current = migrate.read(list(schema_n))
            for t in schema_n:
                if t in schema and len(current[t]) != len(after[t]):
                    fail(n, "down and up: %s had %d rows, now %d"
                         % (t, len(after[t]), len(current[t])))
        # (a) the create path at the latest migration.
        create = new_db("create")
        dbupdate(exe, create)
        got = create.dump()
        if got != dumps[latest]:
            fail(latest, "the create path and the migrate path differ", dumps[latest], got,
                 ("migrate path (replayed 1..%d)" % latest, "create path"))
        for db in (create, migrate):
            dbupdate(exe, db, "--verify")
        # Column order is not part of the comparison (see introspect.py);
        # say where it differs so that nobody is surprised.
        ordered = dict(OPTS, column_order=True)
        dump_ordered = (introspect.sqlite_dump if dialect == "sqlite" else introspect.pg_dump)
        a = parse_dump(dump_ordered(migrate.path if dialect == "sqlite" else migrate.url, ordered))
        b = parse_dump(dump_ordered(create.path if dialect == "sqlite" else create.url, ordered))
        moved = [t for t in sorted(a) if list(a[t]["columns"]) != list(b.get(t, {}).get("columns", []))]
        if moved:
            print("note: column order differs between the paths in %s (ADD COLUMN appends)"
                  % ", ".join(moved))
        print("roundtrip %s: %d migrations: replay equals create; down+up at every step; "
              "rows kept" % (dialect, latest))
        return 0
    finally:
        for db in made:
            try:
                db.drop()
            except Exception as e:  # cleanup must not hide the real error
                sys.stderr.write("roundtrip: cleanup: %s\n" % e)


def main(argv):
    if len(argv) < 4 or argv[1] not in ("sqlite", "postgresql"):
        sys.stderr.write(__doc__)
        return 2
    dialect, exe, workdir = argv[1], os.path.abspath(argv[2]), argv[3]
    base_url = None
    if dialect == "postgresql":
        if len(argv) < 5 or not os.path.exists(argv[4]):
            print("roundtrip: no PostgreSQL server (URL file missing): skipped")
            return 77
        with open(argv[4]) as f:
            base_url = f.read().strip()
    try:
        return run(dialect, exe, workdir, base_url)
    except Failed as e:
        sys.stderr.write("%s\n" % e)
        return 1
    except (RuntimeError, introspect.Failure) as e:
        sys.stderr.write("roundtrip: %s\n" % e)
        return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv))
