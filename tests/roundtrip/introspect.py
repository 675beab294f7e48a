#!/usr/bin/env python3
"""Canonical dump of a live database schema, written independently of the
runtime's own introspection (runtime/src/inspect*.c): it reads SQLite through
python3's sqlite3 module and PostgreSQL through `psql` against pg_catalog, so
that a bug in the runtime cannot hide itself in the tests that use this.

Usage:
    introspect.py [--column-order] [--no-names] [--no-comments] URL

URL is `sqlite:PATH`, `sqlite:///ABSOLUTE/PATH`, `postgresql://...`,
`postgres://...` or a libpq `key=value` string (handed to psql as is; psql
must be on PATH). The SQLite file is opened read-only and must exist.
Exit status: 0 with the dump on stdout; 2 bad usage; 3 any other error
(one line on stderr).

What is dumped (one line per fact, in a stable order; comments quoted):
    dialect sqlite|postgresql
    table NAME
      column NAME TYPE [NOT NULL] [DEFAULT expr] [IDENTITY always|by default]
                       [SEQUENCE name] [GENERATED expr] [COMMENT 'text']
      primary key NAME (a, b)
      unique NAME (a, b)          a unique index (PostgreSQL: a UNIQUE
                                  constraint ends in " constraint")
      index NAME (a, b)           a non-unique index (" partial", " using
                                  METHOD" when not a plain btree)
      foreign key NAME (a) -> table (x) on delete ACTION on update ACTION
      comment 'text'              table comment (PostgreSQL)
    view NAME / trigger NAME ON TABLE   names only
Everything except modelgen_* bookkeeping tables and the database's own
(sqlite_*, pg_catalog, information_schema) is dumped; on PostgreSQL, the
tables of current_schema() only.

Normalisation:
  - Tables, indexes, constraints and views are sorted by name; columns by
    name unless --column-order. Column order is ignored by default because
    it is not part of the schema contract: the create path writes columns in
    declaration order while ALTER TABLE ADD COLUMN appends (and PostgreSQL
    cannot move a column without rebuilding the table), and nothing in the
    runtime or in generated SQL reads columns by position.
  - Types as the database reports them: SQLite's declared type in upper case
    with blanks collapsed; PostgreSQL's format_type() (`character
    varying(64)`, `numeric(10,2)`).
  - Defaults as the database stores them: SQLite's text of the expression
    (blanks collapsed), PostgreSQL's pg_get_expr() (so `0` and `'0'` both
    read back as the server prints them).
  - SQLite: an INTEGER PRIMARY KEY (rowid alias) is always NOT NULL and is
    shown as IDENTITY rowid; a constraint or foreign key name comes from the
    CONSTRAINT clause of the CREATE TABLE text (SQLite keeps it nowhere
    else; `-` when there is none); an automatic index of an inline UNIQUE
    constraint is named `(auto)`. Foreign key target columns left implicit
    are resolved to the parent's primary key. The length check modelgen
    writes after a varchar column (`CHECK (length(col) <= N)`) is shown
    as `CHECK length <= N` at the end of the column's line.
  - PostgreSQL: the sequence behind an identity or serial column, by name
    without its schema (a renamed table must rename it too, or the two
    paths differ).
  - Foreign key actions spelled out (`no action`, `restrict`, `cascade`,
    `set null`, `set default`); key columns in key order.
  - --no-names replaces index and constraint names with `-` (for comparing
    schemas that differ only in generated names); --no-comments leaves out
    PostgreSQL comments.

From Python (tests/roundtrip/roundtrip.py, tests/property/evolve.py), keep
these stable: sqlite_dump(path, opts) and pg_dump(url, opts) return the dump
as a list of lines, opts being {"column_order", "no_names", "no_comments"}
(booleans); errors raise Failure. pg_dump makes exactly one
subprocess.run(["psql", ..., "-d", url, "-c", QUERY]) call whose stdout is
one JSON document (evolve.py runs that query in its own session).

Not covered: CHECK constraints (but SQLite's length check), collations, partial or expression index
details beyond a marker, trigger and view bodies, sequences' state.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys

FK_ACTIONS_PG = {
    "a": "no action",
    "r": "restrict",
    "c": "cascade",
    "n": "set null",
    "d": "set default",
}


class Failure(Exception):
    pass


def collapse(text):
    return re.sub(r"\s+", " ", text.strip()) if text is not None else None


def quote(text):
    """Single-quoted, with control and non-ASCII characters escaped."""
    out = []
    for ch in text:
        if ch == "'":
            out.append("''")
        elif ch == "\\":
            out.append("\\\\")
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append("\\u%04x" % ord(ch))
    return "'" + "".join(out) + "'"


# ---------------------------------------------------------------- SQLite

IDENT = r'(?:"(?:[^"]|"")*"|\[[^\]]*\]|`(?:[^`]|``)*`|[A-Za-z_][A-Za-z0-9_$]*)'


def unquote(ident):
    ident = ident.strip()
    if ident[:1] == '"':
        return ident[1:-1].replace('""', '"')
    if ident[:1] == "`":
        return ident[1:-1].replace("``", "`")
    if ident[:1] == "[":
        return ident[1:-1]
    return ident


def ident_list(text):
    return tuple(unquote(m) for m in re.findall(IDENT, text))


def strip_sql_comments(sql):
    """Removes -- and /* */ comments outside string literals and quoted
    identifiers (the CREATE text is stored as written)."""
    out, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"`[":
            close = "]" if c == "[" else c
            j = i + 1
            while j < n:
                if sql[j] == close:
                    if close != "]" and j + 1 < n and sql[j + 1] == close:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i : j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
            out.append(" ")
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def sqlite_named_constraints(create_sql):
    """Names of the PRIMARY KEY and FOREIGN KEY constraints in a CREATE
    TABLE text: (pk_name or None, {column tuple: fk name})."""
    sql = strip_sql_comments(create_sql or "")
    pk_name = None
    fk_names = {}
    m = re.search(r"CONSTRAINT\s+(" + IDENT + r")\s+PRIMARY\s+KEY", sql, re.I)
    if m:
        pk_name = unquote(m.group(1))
    for m in re.finditer(
        r"CONSTRAINT\s+(" + IDENT + r")\s+FOREIGN\s+KEY\s*\(([^)]*)\)", sql, re.I
    ):
        fk_names[ident_list(m.group(2))] = unquote(m.group(1))
    # Column constraints: `col TYPE ... CONSTRAINT name REFERENCES t`.
    for m in re.finditer(
        r"(?:^|[(,])\s*(" + IDENT + r")[^,(]*(?:\([^)]*\))?[^,(]*?"
        r"CONSTRAINT\s+(" + IDENT + r")\s+REFERENCES\b",
        sql,
        re.I,
    ):
        fk_names.setdefault((unquote(m.group(1)),), unquote(m.group(2)))
    if pk_name is None:
        m = re.search(r"(?:^|[(,])\s*(" + IDENT + r")[^,]*?CONSTRAINT\s+(" + IDENT
                      + r")\s+PRIMARY\s+KEY", sql, re.I)
        if m:
            pk_name = unquote(m.group(2))
    return pk_name, fk_names


def sqlite_dump(path, opts):
    if not os.path.exists(path):
        raise Failure("%s: no such SQLite database" % path)
    uri = "file:%s?mode=ro" % path.replace("?", "%3f").replace("#", "%23")
    try:
        con = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as e:
        raise Failure("%s: %s" % (path, e))
    try:
        return sqlite_dump_con(con, opts)
    except sqlite3.Error as e:
        raise Failure("%s: %s" % (path, e))
    finally:
        con.close()


def qi(name):
    return '"' + name.replace('"', '""') + '"'


def sqlite_length_check(create_sql, column):
    """N of a `CHECK (length(column) <= N)` in a CREATE TABLE text, or
    None."""
    name = r"(?:%s|\"%s\"|`%s`|\[%s\])" % ((re.escape(column),) * 2 + (re.escape(column),) * 2)
    m = re.search(r"\bCHECK\s*\(\s*\(?\s*length\s*\(\s*%s\s*\)\s*<=\s*(\d+)\s*\)?\s*\)" % name,
                  strip_sql_comments(create_sql), re.I)
    return m.group(1) if m else None


def sqlite_dump_con(con, opts):
    objects = con.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
    ).fetchall()
    tables = [
        (name, sql)
        for typ, name, _tbl, sql in objects
        if typ == "table"
        and not name.startswith("sqlite_")
        and not name.startswith("modelgen_")
    ]
    pk_of = {}
    infos = {}
    for name, _sql in tables:
        cols = con.execute("PRAGMA table_xinfo(%s)" % qi(name)).fetchall()
        infos[name] = cols
        pk_of[name] = tuple(c[1] for c in sorted((c for c in cols if c[5]), key=lambda c: c[5]))

    lines = ["dialect sqlite"]
    for name, create_sql in tables:
        lines.append("table %s" % name)
        cols = infos[name]
        pk = pk_of[name]
        without_rowid = bool(
            re.search(r"\)\s*WITHOUT\s+ROWID\s*;?\s*$", strip_sql_comments(create_sql or ""), re.I)
        )
        rowid_alias = (
            len(pk) == 1
            and not without_rowid
            and any(c[1] == pk[0] and collapse(c[2]).upper() == "INTEGER" for c in cols)
        )
        col_lines = []
        for cid, cname, ctype, notnull, dflt, pkpos, hidden in cols:
            if hidden == 1:  # a hidden column of a virtual table
                continue
            parts = ["column", cname, collapse(ctype).upper() or "(none)"]
            is_alias = rowid_alias and cname == pk[0]
            if notnull or is_alias:
                parts.append("NOT NULL")
            if dflt is not None:
                parts.append("DEFAULT " + collapse(dflt))
            if is_alias:
                parts.append("IDENTITY rowid")
            if hidden in (2, 3):
                parts.append("GENERATED " + ("virtual" if hidden == 2 else "stored"))
            n = sqlite_length_check(create_sql or "", cname)
            if n is not None:
                parts.append("CHECK length <= %s" % n)
            col_lines.append((cid, cname, "  " + " ".join(parts)))
        col_lines.sort(key=(lambda c: c[0]) if opts["column_order"] else (lambda c: c[1]))
        lines.extend(c[2] for c in col_lines)

        pk_name, fk_names = sqlite_named_constraints(create_sql)
        cons = []
        if pk:
            cons.append(("primary key", pk_name or "-", pk, ""))
        for seq, iname, unique, origin, partial in con.execute(
            "PRAGMA index_list(%s)" % qi(name)
        ).fetchall():
            if origin == "pk":
                continue
            icols = con.execute("PRAGMA index_xinfo(%s)" % qi(iname)).fetchall()
            keycols = []
            for _seqno, _cid, icname, desc, coll, key in icols:
                if not key:
                    continue
                entry = icname if icname is not None else "(expr)"
                if desc:
                    entry += " DESC"
                if coll and coll.upper() != "BINARY":
                    entry += " COLLATE " + coll
                keycols.append(entry)
            shown = "(auto)" if iname.startswith("sqlite_autoindex_") else iname
            extra = " partial" if partial else ""
            cons.append(("unique" if unique else "index", shown, tuple(keycols), extra))
        fks = {}
        for fid, seq, ref, frm, to, on_update, on_delete, match in con.execute(
            "PRAGMA foreign_key_list(%s)" % qi(name)
        ).fetchall():
            fk = fks.setdefault(fid, {"ref": ref, "from": [], "to": [], "upd": on_update,
                                      "del": on_delete})
            fk["from"].append((seq, frm))
            fk["to"].append((seq, to))
        for fk in fks.values():
            frm = tuple(c for _s, c in sorted(fk["from"]))
            to = [c for _s, c in sorted(fk["to"])]
            if any(c is None for c in to):
                to = list(pk_of.get(fk["ref"], ()))
            fname = fk_names.get(frm, "-")
            target = "%s (%s)" % (fk["ref"], ", ".join(to))
            cons.append(
                (
                    "foreign key",
                    fname,
                    frm,
                    " -> %s on delete %s on update %s"
                    % (target, fk["del"].lower(), fk["upd"].lower()),
                )
            )
        lines.extend(render_constraints(cons, opts))

    for typ, name, tbl, _sql in objects:
        if typ == "view":
            lines.append("view %s" % name)
        elif typ == "trigger" and not tbl.startswith("modelgen_"):
            lines.append("trigger %s ON %s" % (name, tbl))
    return lines


def render_constraints(cons, opts):
    """cons: (kind, name, columns, suffix); sorted by kind, then columns and
    name, so that the order does not depend on the catalog's."""
    order = {"primary key": 0, "unique": 1, "index": 2, "foreign key": 3}
    out = []
    for kind, name, cols, suffix in cons:
        shown = "-" if opts["no_names"] else name
        out.append(
            (order[kind], cols, shown, "  %s %s (%s)%s" % (kind, shown, ", ".join(cols), suffix))
        )
    out.sort(key=lambda c: (c[0], c[2], c[1], c[3]))
    return [c[3] for c in out]


# ------------------------------------------------------------ PostgreSQL

PG_QUERY = r"""
SELECT json_build_object(
 'tables', (SELECT coalesce(json_agg(json_build_object(
     'name', c.relname,
     'comment', obj_description(c.oid, 'pg_class'),
     'columns', (SELECT coalesce(json_agg(json_build_object(
          'num', a.attnum,
          'name', a.attname,
          'type', format_type(a.atttypid, a.atttypmod),
          'notnull', a.attnotnull,
          'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
          'generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
          'identity', a.attidentity,
          'sequence', pg_get_serial_sequence(c.oid::regclass::text, a.attname),
          'comment', col_description(c.oid, a.attnum)) ORDER BY a.attnum), '[]')
        FROM pg_attribute a
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
     'constraints', (SELECT coalesce(json_agg(json_build_object(
          'name', k.conname,
          'type', k.contype,
          'cols', (SELECT json_agg(a.attname ORDER BY u.ord)
                   FROM unnest(k.conkey) WITH ORDINALITY u(n, ord)
                   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n),
          'ref', CASE WHEN k.contype = 'f' THEN (SELECT relname FROM pg_class WHERE oid = k.confrelid) END,
          'refcols', (SELECT json_agg(a.attname ORDER BY u.ord)
                      FROM unnest(k.confkey) WITH ORDINALITY u(n, ord)
                      JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n),
          'del', k.confdeltype,
          'upd', k.confupdtype,
          'deferrable', k.condeferrable,
          'deferred', k.condeferred,
          'index', (SELECT relname FROM pg_class WHERE oid = k.conindid))), '[]')
        FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype IN ('p', 'u', 'f')),
     'indexes', (SELECT coalesce(json_agg(json_build_object(
          'name', ic.relname,
          'unique', i.indisunique,
          'primary', i.indisprimary,
          'method', am.amname,
          'partial', i.indpred IS NOT NULL,
          'cols', (SELECT json_agg(CASE WHEN u.n = 0 THEN '(expr)' ELSE
                          (SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum = u.n)
                          END ORDER BY u.ord)
                   FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(n, ord)
                   WHERE u.ord <= i.indnkeyatts),
          'options', (SELECT json_agg(o ORDER BY ord)
                      FROM unnest(i.indoption::int2[]) WITH ORDINALITY v(o, ord)
                      WHERE ord <= i.indnkeyatts))), '[]')
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_am am ON am.oid = ic.relam
        WHERE i.indrelid = c.oid)
   ) ORDER BY c.relname), '[]')
   FROM pg_class c
   WHERE c.relnamespace = current_schema()::regnamespace
     AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE 'modelgen\_%'),
 'views', (SELECT coalesce(json_agg(c.relname ORDER BY c.relname), '[]')
   FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
     AND c.relkind IN ('v', 'm')),
 'triggers', (SELECT coalesce(json_agg(json_build_object('name', t.tgname, 'table', c.relname)
                                        ORDER BY t.tgname, c.relname), '[]')
   FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
     AND c.relname NOT LIKE 'modelgen\_%')
)
"""


def pg_dump(url, opts):
    env = dict(os.environ)
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    try:
        proc = subprocess.run(
            ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", PG_QUERY],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
        )
    except OSError as e:
        raise Failure("psql: %s" % e)
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        first = msg[0] if msg else "exit %d" % proc.returncode
        raise Failure(first if first.startswith("psql:") else "psql: " + first)
    data = json.loads(proc.stdout.decode("utf-8"))
    lines = ["dialect postgresql"]
    for t in data["tables"]:
        lines.append("table %s" % t["name"])
        col_lines = []
        for c in t["columns"]:
            parts = ["column", c["name"], c["type"]]
            if c["notnull"]:
                parts.append("NOT NULL")
            if c["default"] is not None:
                parts.append("DEFAULT " + collapse(c["default"]))
            if c["identity"] == "a":
                parts.append("IDENTITY always")
            elif c["identity"] == "d":
                parts.append("IDENTITY by default")
            if c["sequence"] is not None:
                parts.append("SEQUENCE " + c["sequence"].split(".")[-1])
            if c["generated"] is not None:
                parts.append("GENERATED " + collapse(c["generated"]))
            if c["comment"] is not None and not opts["no_comments"]:
                parts.append("COMMENT " + quote(c["comment"]))
            col_lines.append((c["num"], c["name"], "  " + " ".join(parts)))
        col_lines.sort(key=(lambda c: c[0]) if opts["column_order"] else (lambda c: c[1]))
        lines.extend(c[2] for c in col_lines)

        cons = []
        constraint_indexes = set()
        for k in t["constraints"]:
            cols = tuple(k["cols"] or ())
            if k["type"] == "p":
                cons.append(("primary key", k["name"], cols, ""))
                constraint_indexes.add(k["index"])
            elif k["type"] == "u":
                cons.append(("unique", k["name"], cols, " constraint"))
                constraint_indexes.add(k["index"])
            else:
                suffix = " -> %s (%s) on delete %s on update %s" % (
                    k["ref"],
                    ", ".join(k["refcols"] or ()),
                    FK_ACTIONS_PG[k["del"]],
                    FK_ACTIONS_PG[k["upd"]],
                )
                if k["deferrable"]:
                    suffix += " deferrable" + (" initially deferred" if k["deferred"] else "")
                cons.append(("foreign key", k["name"], cols, suffix))
        for i in t["indexes"]:
            if i["name"] in constraint_indexes:
                continue
            keycols = []
            for col, opt in zip(i["cols"] or (), i["options"] or ()):
                keycols.append(col + (" DESC" if opt & 1 else ""))
            extra = ""
            if i["method"] != "btree":
                extra += " using " + i["method"]
            if i["partial"]:
                extra += " partial"
            cons.append(("unique" if i["unique"] else "index", i["name"], tuple(keycols), extra))
        lines.extend(render_constraints(cons, opts))
        if t["comment"] is not None and not opts["no_comments"]:
            lines.append("  comment " + quote(t["comment"]))
    for v in data["views"]:
        lines.append("view %s" % v)
    for tr in data["triggers"]:
        lines.append("trigger %s ON %s" % (tr["name"], tr["table"]))
    return lines


# ------------------------------------------------------------------ main

def main(argv):
    opts = {"column_order": False, "no_names": False, "no_comments": False}
    args = []
    for a in argv[1:]:
        if a == "--column-order":
            opts["column_order"] = True
        elif a == "--no-names":
            opts["no_names"] = True
        elif a == "--no-comments":
            opts["no_comments"] = True
        elif a in ("-h", "--help"):
            sys.stdout.write(__doc__)
            return 0
        elif a.startswith("--"):
            sys.stderr.write("introspect.py: unknown option %s\n" % a)
            return 2
        else:
            args.append(a)
    if len(args) != 1:
        sys.stderr.write("usage: introspect.py [--column-order] [--no-names] [--no-comments] URL\n")
        return 2
    url = args[0]
    try:
        if url.startswith("sqlite:"):
            path = url[len("sqlite:"):]
            if path.startswith("//"):
                path = path[2:]  # sqlite:///abs -> /abs
            if path in ("", ":memory:"):
                raise Failure("%s: not a database file" % url)
            lines = sqlite_dump(path, opts)
        elif url.startswith(("postgresql://", "postgres://")) or "=" in url:
            lines = pg_dump(url, opts)
        else:
            sys.stderr.write("introspect.py: %s: not a sqlite: or postgresql:// URL\n" % url)
            return 2
    except Failure as e:
        sys.stderr.write("introspect.py: %s\n" % e)
        return 3
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
