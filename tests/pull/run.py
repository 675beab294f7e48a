#!/usr/bin/env python3
"""Round trip of `modelgen pull` over a corpus of schemas, on one dialect
(issue 14 §4), with a schema dump independent of the runtime
(tests/roundtrip/introspect.py):

  for every schema of tests/pull/corpus/ (NAME.sql on both dialects,
  NAME.sqlite.sql or NAME.postgresql.sql on one) and the demo schema at each
  of its migrations (made by the demo's dbupdate, bookkeeping dropped):
    1. build the original database from the SQL;
    2. `modelgen pull` writes models/; its report must equal
       tests/pull/expected/NAME.DIALECT.txt (exit code on the first line);
    3. the headers compile with gcc and clang -std=c11 -Wall -Wextra
       -Wpedantic -Werror (one run of each compiler for the whole corpus);
    4. `modelgen diff -m init` writes migration 1;
    5. a second pull (--force) writes the same bytes, and `modelgen check`
       then finds the models equal to the migrations; so does it for the
       one header of `pull --header schema.h`;
    6. a fresh database gets migration 1's SQL (`modelgen sql`), after the
       schema's prelude (the types it names, which modelgen does not
       create);
    7. the fresh database's dump equals the original's, once the original
       is changed by exactly what the report lists (tables left out and
       views, triggers skipped are dropped; each note and approximation
       rewrites the facts it names, and nothing else).
  Adoption (§3), for the schemas in ADOPT: a dbupdate is built from the
  generated migration (the CC and runtime library given), `dbupdate
  --baseline 1` adopts the original database, `--verify` then finds it
  equal, and on a copy changed by hand (a column added) --baseline
  refuses with a report that names the column and stamps nothing.
  Bad input: a missing file, a file that is not a database, an empty
  database, a database managed by modelgen, an unreachable server,
  existing headers, usage errors: one line on stderr, the exit code, and
  nothing written; a modelgen_foreign.h an earlier pull left, when no
  table is left out now, is refused likewise, and --force removes it.

    run.py sqlite MODELGEN DBUPDATE WORKDIR [--adopt CC RUNTIME_LIB LIBS] [--update] [NAME...]
    run.py postgresql MODELGEN DBUPDATE WORKDIR PG_URL_FILE [--adopt ...] [--update] [NAME...]

(LIBS: the link flags after the runtime library, one argument, blanks
between.)

--update rewrites the expected reports (review the diff). Exit 0 when
everything passes, 1 with every failure on stderr, 77 (ctest skip) without
the PostgreSQL URL file, 3 on another error.
"""

import concurrent.futures
import difflib
import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "roundtrip"))
import introspect  # noqa: E402

OPTS = {"column_order": False, "no_names": False, "no_comments": False}

# The schemas --baseline must adopt, per dialect (a dbupdate is built for
# each, so a selection: the demo, and hand-written schemas with unnamed and
# renamed keys, UNIQUE in the table definition, keys without NOT NULL,
# serial, varchar without a length, tables left out as MG_FOREIGN_TABLE).
# PULL_ADOPT_ALL=1 adopts every schema.
ADOPT = {
    "sqlite": {"demo_07", "demo_13", "booleans", "defaults_numbers", "defaults_strings",
               "index_names", "numbers", "long_names", "uniques", "text_keys", "blog_lower",
               "cms", "no_primary_key", "fts"},
    "postgresql": {"demo_07", "demo_13", "defaults_numbers", "defaults_strings", "index_names",
                   "numbers", "fk_cycle", "self_reference", "on_delete", "reserved_names",
                   "named_constraints", "serials", "varchar_nolen", "cms", "blog_upper",
                   "no_primary_key", "partitioned"},
}
INCLUDE = os.path.join(ROOT, "runtime", "include")
DEMO_MIGRATIONS = 13


class Failed(Exception):
    pass


def run(cmd, cwd=None, env=None, check=True, input=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, input=input, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if check and p.returncode != 0:
        raise Failed("%s: exit %d\n%s%s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p


# ------------------------------------------------------------ databases

class Sqlite:
    name = "sqlite"

    def __init__(self, work):
        self.work = work

    def new(self, tag):
        path = os.path.join(self.work, tag + ".db")
        for suffix in ("", "-journal", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.unlink(path + suffix)
        return path

    def url(self, db, rel_to=None):
        return "sqlite:" + (os.path.relpath(db, rel_to) if rel_to else db)

    def execute(self, db, sql):
        con = sqlite3.connect(db)
        try:
            con.executescript(sql)
            con.commit()
        finally:
            con.close()

    def dump(self, db):
        return introspect.sqlite_dump(db, OPTS)

    def drop(self, db):
        pass

    def cleanup(self):
        pass


class PsqlSession:
    """One long-lived psql process (one per thread): a statement costs a
    round trip, not a new process and connection, which dominate on a
    loaded machine (the same as tests/property/evolve.py)."""
    MARK = "__pull_corpus_end__"

    def __init__(self, url):
        self.p = subprocess.Popen(["psql", "-XAtq", "-v", "ON_ERROR_STOP=0", url],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, universal_newlines=True)
        self.query("SET client_min_messages = warning")

    def query(self, sql):
        """Runs `sql`; returns its output; raises Failed on an error."""
        self.p.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo %s :ERROR\n" % self.MARK)
        self.p.stdin.flush()
        out = []
        for line in self.p.stdout:
            if line.startswith(self.MARK):
                text = "".join(out)
                if line.split()[1] != "false" or re.search(r"^(psql:.*)?(ERROR|FATAL):", text,
                                                            re.M):
                    raise Failed("psql:\n%s\n%s" % (sql[:2000], text.rstrip()))
                return text
            out.append(line)
        raise Failed("the psql session ended:\n" + "".join(out))

    def close(self):
        self.p.stdin.close()
        self.p.wait()


class Postgres:
    """One database for the run; each schema of the corpus, original or new,
    is a PostgreSQL schema in it, named by the URL's search_path (pull and
    introspect.py read current_schema() only). Creating a schema costs far
    less than creating a database; statements go through one psql session
    per thread."""
    name = "postgresql"

    def __init__(self, work, base_url):
        self.work = work
        self.server = base_url
        self.dbname = "pull_%d" % os.getpid()
        run(["psql", "-XAtq", base_url, "-c", "DROP DATABASE IF EXISTS %s" % self.dbname])
        run(["psql", "-XAtq", base_url, "-c", "CREATE DATABASE %s" % self.dbname])
        self.base = base_url.replace("@/postgres?", "@/%s?" % self.dbname)
        self.local = threading.local()
        self.sessions = []
        self.lock = threading.Lock()
        self.schemas = {}  # url -> schema, for introspect.py's psql call
        introspect.subprocess = SubprocessShim(self)

    def session(self):
        if not hasattr(self.local, "s"):
            self.local.s = PsqlSession(self.base)
            with self.lock:
                self.sessions.append(self.local.s)
        return self.local.s

    def new(self, tag):
        name = "s_" + tag.lower()
        self.session().query("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s" % (name, name))
        return name

    def url(self, db, rel_to=None):
        u = self.base + "&options=-csearch_path%%3D%s" % db
        self.schemas[u] = db
        return u

    def execute(self, db, sql):
        self.session().query("SET search_path TO %s;\n%s;\nRESET search_path" % (db, sql))

    def dump(self, db):
        return introspect.pg_dump(self.url(db), OPTS)

    def drop(self, db):
        pass  # the database goes at the end

    def cleanup(self):
        for sess in self.sessions:
            sess.close()
        run(["psql", "-XAtq", self.server, "-c", "DROP DATABASE IF EXISTS %s" % self.dbname],
            check=False)


class SubprocessShim:
    """Stands in for the subprocess module inside introspect.py: its one psql
    call on one of our URLs runs in this thread's session."""

    class Result:
        def __init__(self, rc, out, err):
            self.returncode, self.stdout, self.stderr = rc, out, err

    def __init__(self, db):
        self.db = db

    def __getattr__(self, name):
        return getattr(subprocess, name)

    def run(self, args, **kw):
        url = args[args.index("-d") + 1] if args and args[0] == "psql" and "-d" in args else None
        if url not in self.db.schemas or args[-2] != "-c":
            return subprocess.run(args, **kw)
        try:
            out = self.db.session().query("SET search_path TO %s; %s" % (self.db.schemas[url],
                                                                          args[-1]))
        except Failed as e:
            return self.Result(3, b"", str(e).encode())
        return self.Result(0, out.encode(), b"")


# ------------------------------------------------------------ the corpus

def split_prelude(sql):
    """The statements between `-- prelude` and `-- end prelude`: what a new
    database needs before migration 1 (types modelgen does not create)."""
    m = re.search(r"^-- prelude\n(.*?)^-- end prelude\n", sql, re.S | re.M)
    return m.group(1) if m else ""


def corpus(dialect, names):
    entries = []
    for path in sorted(glob.glob(os.path.join(HERE, "corpus", "*.sql"))):
        base = os.path.basename(path)[:-4]
        if "." in base:
            name, only = base.split(".", 1)
            if only != dialect:
                continue
        else:
            name = base
        if names and name not in names:
            continue
        with open(path) as f:
            entries.append((name, f.read()))
    for n in range(1, DEMO_MIGRATIONS + 1):
        name = "demo_%02d" % n
        if not names or name in names:
            entries.append((name, n))
    return entries


# ------------------------------------------------------ report -> rewrites

def derived(prefix, table, cols):
    name = "_".join([prefix, table] + list(cols))
    if len(name.encode()) > 63:
        h = hashlib.sha256(name.encode()).hexdigest()
        name = name.encode()[:54].decode(errors="ignore") + "_" + h[:8]
    return name


def quote(text):
    return introspect.quote(text)


class Dump:
    """A dump as tables of lines, to rewrite facts in."""

    def __init__(self, lines):
        self.head = []
        self.tables = {}
        self.tail = []
        cur = None
        for line in lines:
            if line.startswith("table "):
                cur = line[6:]
                self.tables[cur] = []
            elif line.startswith("  ") and cur is not None:
                self.tables[cur].append(line)
            elif cur is None:
                self.head.append(line)
            else:
                self.tail.append(line)

    def lines(self):
        out = list(self.head)
        for t in sorted(self.tables):
            out.append("table " + t)
            out.extend(sorted_table(self.tables[t]))
        out.extend(self.tail)
        return out

    def sub(self, table, pattern, repl, count=0):
        rows = self.tables.get(table)
        if rows is None:
            return 0
        done = 0
        for i, row in enumerate(rows):
            new = re.sub(pattern, repl, row)
            if new != row:
                rows[i] = new
                done += 1
                if count and done >= count:
                    break
        return done


def sorted_table(rows):
    order = {"column": 0, "primary key": 1, "unique": 2, "index": 3, "foreign key": 4,
             "comment": 5}
    def key(row):
        body = row.strip()
        for k, v in order.items():
            if body.startswith(k + " "):
                return (v, body)
        return (9, body)
    return sorted(rows, key=key)


FINDING = re.compile(r"^  (note|skipped|approximated|left out)\s+(.*)$")
NAME = r'(?:"(?:[^"]|"")*"|[^\s:"]+)'


def unquote(name):
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def strip_why(text):
    """Splits "WHAT (WHY)" at the parenthesis that matches the last one."""
    if not text.endswith(")"):
        return text, None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                return text[:i].rstrip(), text[i + 1:-1]
    return text, None


def findings(report):
    """(action, subject kind, subject name, what) per report line."""
    out = []
    for line in report.splitlines():
        m = FINDING.match(line)
        if not m:
            continue
        action, text = m.group(1), m.group(2)
        if text.startswith("... and "):
            continue
        if action != "note":
            text, _why = strip_why(text)
        m = re.match(r"(table|view|materialized view|trigger) (%s)(?: on (%s))?(?:: (.*))?$"
                     % (NAME, NAME), text)
        if m:
            out.append((action, m.group(1), unquote(m.group(2)),
                        unquote(m.group(3)) if m.group(3) else None, m.group(4) or ""))
        else:
            out.append((action, "other", text, None, ""))
    return out


def apply_report(dialect, orig, fresh, report):
    """Changes the dumps by what the report lists. Every rule names one kind
    of finding; a finding no rule knows fails the test, so that nothing
    passes by being ignored."""
    checks = []
    apply_findings(dialect, orig, report, checks)
    for table, colre, n in checks:
        orig.sub(table, colre + r"$", lambda mm, n=n: mm.group(1) + " CHECK length <= " + n)


def apply_findings(dialect, orig, report, checks):
    """apply_report's rules, but for the length checks, which go to
    `checks` as (table, column pattern, N)."""
    for action, kind, table, on, what in findings(report):
        if action == "left out":
            if kind != "table":
                raise Failed("report line not understood: %s %s" % (kind, table))
            orig.tables.pop(table, None)
            continue
        if action == "skipped":
            if kind in ("view", "materialized view"):
                orig.tail = [l for l in orig.tail if l != "view " + table]
            elif kind == "trigger":
                orig.tail = [l for l in orig.tail if l != "trigger %s ON %s" % (table, on)]
            # CHECK constraints, types, functions, sequences, ...: not dumped.
            continue
        if kind != "table":
            raise Failed("report line not understood: %s %s: %s" % (kind, table, what))
        unknown = Failed("report line not understood: table %s: %s" % (table, what))
        col = re.match(r"column (\S+): (.*)$", what)
        if col:
            c, rest = col.group(1), col.group(2)
            colre = r"^(  column %s \S.*?)" % re.escape(c)
            if rest.startswith("serial written as an identity key"):
                orig.sub(table, r"^(  column %s .*) DEFAULT nextval\('[^']*'::regclass\)"
                         % re.escape(c), r"\1 IDENTITY by default")
            elif rest.startswith("GENERATED ALWAYS AS IDENTITY"):
                orig.sub(table, colre + r" IDENTITY always", r"\1 IDENTITY by default")
            elif rest.startswith("character varying without a length"):
                orig.sub(table, r"^(  column %s) character varying( |$)" % re.escape(c),
                         r"\1 text\2")
            elif rest.startswith("primary key column without NOT NULL"):
                orig.sub(table, r"^(  column %s (?:(?! DEFAULT ).)*?)(?: NOT NULL)?( DEFAULT .*)?$"
                         % re.escape(c), lambda mm: mm.group(1) + " NOT NULL" + (mm.group(2) or ""),
                         1)
            elif rest.startswith("comment written as "):
                new = re.match(r'comment written as "(.*)"$', rest).group(1)
                if dialect == "postgresql":
                    orig.sub(table, r"^(  column %s .*COMMENT ).*$" % re.escape(c),
                             lambda mm: mm.group(1) + quote(new))
            elif rest.startswith("DEFAULT ") and " written as " in rest:
                old, new = re.match(r"DEFAULT (.*) written as (.*)$", rest).groups()
                orig.sub(table, colre + r" DEFAULT " + re.escape(old),
                         lambda mm: mm.group(1) + " DEFAULT " + new)
            elif rest.startswith("COLLATE "):
                coll = rest.split()[1]
                orig.sub(table, r"^(  (?:index|unique) .*\b%s) COLLATE %s(?=[,)])"
                         % (re.escape(c), re.escape(coll)), r"\1")
            elif rest.startswith("AUTOINCREMENT") or rest.startswith("MG_TYPE("):
                pass  # not in a dump (the type exists through the prelude)
            elif re.match(r"\S+ without CHECK \(length\(", rest):
                # SQLite's length check of a varchar: new databases have it
                # (last on the line: after the other rules).
                checks.append((table, colre, re.search(r"<= (\d+)\)", rest).group(1)))
            else:
                raise unknown
            continue
        m = re.match(r"foreign key \((.*?)\) has no name in the database; new databases "
                     r"name it (\S+)$", what)
        if m:
            orig.sub(table, r"^  foreign key - \(%s\)" % re.escape(m.group(1)),
                     "  foreign key %s (%s)" % (m.group(2), m.group(1)))
            continue
        m = re.match(r"primary key \((.*?)\) has no name in the database; new databases "
                     r"name it (\S+)$", what)
        if m:
            orig.sub(table, r"^  primary key - \(", "  primary key %s (" % m.group(2))
            continue
        m = re.match(r"primary key (\S+) \((.*?)\): new databases keep no name", what)
        if m:
            orig.sub(table, r"^  primary key %s \(" % re.escape(m.group(1)), "  primary key - (")
            continue
        m = re.match(r"primary key (\S+) \((.*?)\): new databases name it (\S+)", what)
        if m:
            orig.sub(table, r"^  primary key %s \(" % re.escape(m.group(1)),
                     "  primary key %s (" % m.group(3))
            continue
        m = re.match(r"UNIQUE \((.*?)\), SQLite's automatic index \S+: new databases get the "
                     r"unique index (\S+)$", what)
        if m:
            orig.sub(table, r"^  unique \(auto\) \(%s\)$" % re.escape(m.group(1)),
                     "  unique %s (%s)" % (m.group(2), m.group(1)), 1)
            continue
        m = re.match(r"unique constraint (\S+): new databases get a unique index of that name",
                     what)
        if m:
            orig.sub(table, r"^(  unique %s \(.*\)) constraint$" % re.escape(m.group(1)), r"\1")
            continue
        if re.match(r"unique constraint \S+: DEFERRABLE not written$", what):
            continue
        m = re.match(r"index (\S+): partial index \(.*\) written as a full index", what)
        if m:
            orig.sub(table, r"^(  (?:index|unique) %s \(.*\)) partial$" % re.escape(m.group(1)),
                     r"\1")
            continue
        m = re.match(r"index (\S+): (.*) not written$", what)
        if m:
            orig.sub(table, r"^(  (?:index|unique) %s \(.*\))(.*)$" % re.escape(m.group(1)),
                     lambda mm: re.sub(r" (DESC|COLLATE \S+)(?=[,)])", "", mm.group(1))
                     + mm.group(2))
            continue
        m = re.match(r"foreign key (.*?): ON UPDATE (.*) not written$", what)
        if m:
            orig.sub(table, fk_pattern(m.group(1)) + r"(.*) on update [a-z ]+?( deferrable.*)?$",
                     lambda mm: mm.group(1) + mm.group(2) + " on update no action"
                     + (mm.group(3) or ""))
            continue
        m = re.match(r"foreign key (.*?): ON DELETE SET DEFAULT written as no action$", what)
        if m:
            orig.sub(table, fk_pattern(m.group(1)) + r"(.*) on delete set default",
                     r"\1\2 on delete no action")
            continue
        m = re.match(r"foreign key (.*?): DEFERRABLE.* not written$", what)
        if m:
            orig.sub(table, fk_pattern(m.group(1)) + r"(.*?) deferrable.*$", r"\1\2")
            continue
        if re.match(r"foreign key .*: MATCH FULL not written$", what):
            continue
        m = re.match(r'table comment written as "(.*)"$', what)
        if m:
            orig.sub(table, r"^  comment .*$", "  comment " + quote(m.group(1)))
            continue
        if what in ("WITHOUT ROWID not written", "STRICT not written", "UNLOGGED not written",
                    "row level security not written") or what.startswith("ON CONFLICT"):
            continue
        if what.startswith("CHECK (") or re.match(r"\S+: CHECK ", what) or \
                re.match(r"\S+: EXCLUDE ", what):
            continue
        raise unknown


def fk_pattern(ref):
    """The start of a foreign key line, from "(col)" or a name."""
    if ref.startswith("("):
        return r"^(  foreign key \S+ %s)" % re.escape(ref)
    return r"^(  foreign key %s \(.*?\))" % re.escape(ref)


# ----------------------------------------------------------------- steps

class Runner:
    def __init__(self, dialect, modelgen, dbupdate, work, db, update, adopt=None):
        self.dialect = dialect
        self.adopt = adopt
        self.modelgen = modelgen
        self.dbupdate = dbupdate
        self.work = work
        self.db = db
        self.update = update
        self.failures = []
        self.compile_units = []
        self.env = dict(os.environ, NO_COLOR="1")
        self.env.pop("DATABASE_URL", None)

    def mg(self, cwd, *args, check=False):
        return run([self.modelgen] + list(args), cwd=cwd, env=self.env, check=check)

    def check_report(self, name, text):
        path = os.path.join(HERE, "expected", "%s.%s.txt" % (name, self.dialect))
        if self.update:
            with open(path, "w") as f:
                f.write(text)
            return
        if not os.path.exists(path):
            raise Failed("no expected report %s (run with --update)" % path)
        with open(path) as f:
            want = f.read()
        if want != text:
            raise Failed("report differs from %s:\n%s" % (
                os.path.relpath(path, ROOT),
                "\n".join(difflib.unified_diff(want.splitlines(), text.splitlines(),
                                               "expected", "got", lineterm=""))))

    def build_original(self, name, source):
        db = self.db.new(name + "_orig")
        if isinstance(source, int):
            # The demo schema at migration N, bookkeeping dropped: a
            # database made by hand from the same SQL.
            url = self.db.url(db)
            run([self.dbupdate, "-q", "--to", str(source), url], env=self.env)
            self.db.execute(db, "DROP TABLE modelgen_migrations;")
            return db, ""
        self.db.execute(db, source)
        return db, split_prelude(source)

    def one(self, name, source):
        d = os.path.join(self.work, name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        orig, prelude = self.build_original(name, source)
        url = self.db.url(orig, d)
        p = self.mg(d, "pull", url, "--notes")
        report = "exit %d\n%s%s" % (p.returncode, p.stdout, p.stderr)
        self.check_report(name, report)
        if p.returncode not in (0, 1):
            return
        headers = sorted(glob.glob(os.path.join(d, "models", "*.h")))
        unit = os.path.join(d, "all_models.c")
        with open(unit, "w") as f:
            for h in headers:
                f.write('#include "%s"\n' % h)
            f.write("int pull_corpus_%s;\n" % re.sub(r"\W", "_", name))
        self.compile_units.append(unit)
        if not headers:
            self.db.drop(orig)
            return
        saved = {h: open(h, "rb").read() for h in headers}
        self.mg(d, "diff", "-m", "init", check=True)
        p2 = self.mg(d, "pull", url, "--force", "--notes")
        if p2.stdout != p.stdout or p2.returncode != p.returncode:
            raise Failed("second pull printed another report:\n" + p2.stdout)
        again = sorted(glob.glob(os.path.join(d, "models", "*.h")))
        if again != headers or any(open(h, "rb").read() != saved[h] for h in headers):
            raise Failed("second pull wrote other bytes")
        c = self.mg(d, "check")
        if c.returncode != 0:
            raise Failed("modelgen check after a second pull: exit %d\n%s%s" %
                         (c.returncode, c.stdout, c.stderr))
        self.one_header(name, d, url, p)
        sql = self.mg(d, "sql", "--dialect", self.dialect, "1", check=True).stdout
        fresh = self.db.new(name + "_fresh")
        try:
            self.db.execute(fresh, prelude + sql)
        except Failed as e:
            raise Failed("migration 1 does not run on a new database: %s" % e)
        a, b = Dump(self.db.dump(orig)), Dump(self.db.dump(fresh))
        apply_report(self.dialect, a, b, p.stdout)
        if a.lines() != b.lines():
            raise Failed("the new database differs from the original beyond the report:\n"
                         + "\n".join(difflib.unified_diff(a.lines(), b.lines(), "original",
                                                          "new", lineterm="")))
        if self.adopt and (name in ADOPT[self.dialect] or os.environ.get("PULL_ADOPT_ALL")):
            self.adoption(d, orig, source)
        self.db.drop(orig)
        self.db.drop(fresh)

    def one_header(self, name, d, url, p):
        """pull --header schema.h: the same report, one header (plus the
        tables left out), and models that `modelgen check` finds equal to
        the migration the per-table headers gave."""
        d1 = d + ".one"
        shutil.rmtree(d1, ignore_errors=True)
        os.makedirs(d1)
        shutil.copytree(os.path.join(d, "generated"), os.path.join(d1, "generated"))
        p1 = self.mg(d1, "pull", url, "--notes", "--header", "schema.h")
        want = re.sub(r"^Wrote \d+ headers?", "Wrote", p.stdout, flags=re.M)
        got = re.sub(r"^Wrote \d+ headers?", "Wrote", p1.stdout, flags=re.M)
        if p1.returncode != p.returncode or got != want:
            raise Failed("pull --header printed another report (exit %d):\n%s%s" %
                         (p1.returncode, p1.stdout, p1.stderr))
        headers = sorted(os.listdir(os.path.join(d1, "models")))
        if not headers or not set(headers) <= {"schema.h", "modelgen_foreign.h"}:
            raise Failed("pull --header wrote %s" % headers)
        unit = os.path.join(d1, "all_models.c")
        with open(unit, "w") as f:
            for h in headers:
                f.write('#include "%s"\n' % os.path.join(d1, "models", h))
            f.write("int pull_corpus_one_%s;\n" % re.sub(r"\W", "_", name))
        self.compile_units.append(unit)
        c = self.mg(d1, "check")
        if c.returncode != 0:
            raise Failed("modelgen check on pull --header's models: exit %d\n%s%s" %
                         (c.returncode, c.stdout, c.stderr))

    def adoption(self, d, orig, source):
        """dbupdate --baseline 1 on the original, --verify, and a refusal
        on a copy changed by hand."""
        cc, lib, libs = self.adopt
        exe = os.path.join(d, "dbupdate")
        run([cc, "-std=c11", "-I", INCLUDE, "-o", exe,
             os.path.join(ROOT, "tools", "dbupdate", "main.c"),
             os.path.join(d, "generated", "registry.c")]
            + sorted(glob.glob(os.path.join(d, "generated", "migrations", "*.c")))
            + [lib] + libs.split())
        # A copy changed by hand first: refused, nothing stamped.
        copy = self.db.new(os.path.basename(d) + "_hand")
        if isinstance(source, int):
            run([self.dbupdate, "-q", "--to", str(source), self.db.url(copy)], env=self.env)
            self.db.execute(copy, "DROP TABLE modelgen_migrations;")
        else:
            self.db.execute(copy, source)
        with open(os.path.join(d, "generated", "schema.json")) as f:
            snap = json.load(f)
        first = sorted(t["name"] for t in snap["tables"])[0]
        self.db.execute(copy, 'ALTER TABLE "%s" ADD COLUMN hand_made integer;' % first)
        # A table left out (MG_FOREIGN_TABLE) changed too: not reported.
        for t in snap.get("foreign_tables", []):
            try:
                self.db.execute(copy, 'ALTER TABLE "%s" ADD COLUMN foreign_made integer;'
                                % t.replace('"', '""'))
                break
            except Exception:
                pass  # a virtual table, a partition...
        p = run([exe, "--baseline", "1", self.db.url(copy)], env=self.env, check=False)
        if p.returncode != 1 or "hand_made" not in p.stdout + p.stderr:
            raise Failed("--baseline 1 on a changed copy: exit %d, no report of the column:\n%s%s"
                         % (p.returncode, p.stdout, p.stderr))
        if "foreign_made" in p.stdout + p.stderr or \
                any(re.search(r"\btable %s\b" % re.escape(t), p.stdout + p.stderr)
                    for t in snap.get("foreign_tables", [])):
            raise Failed("--baseline 1 reports a table left out (MG_FOREIGN_TABLE):\n%s%s"
                         % (p.stdout, p.stderr))
        if any(l.startswith("table modelgen_") for l in self.db.dump(copy)):
            raise Failed("--baseline 1 refused but left bookkeeping behind")
        self.db.drop(copy)
        p = run([exe, "--baseline", "1", self.db.url(orig)], env=self.env, check=False)
        if p.returncode != 0:
            raise Failed("dbupdate --baseline 1 refused the database pull read:\n%s%s"
                         % (p.stdout, p.stderr))
        p = run([exe, "--verify", self.db.url(orig)], env=self.env, check=False)
        if p.returncode != 0:
            raise Failed("dbupdate --verify after --baseline 1: exit %d\n%s%s"
                         % (p.returncode, p.stdout, p.stderr))

    def compile_all(self):
        if not self.compile_units:
            return
        for cc in ("gcc", "clang-14"):
            cmd = [cc, "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
                   "-fsyntax-only", "-I", INCLUDE] + self.compile_units
            p = run(cmd, check=False)
            if p.returncode != 0:
                self.failures.append("%s: the headers do not compile:\n%s" % (cc, p.stderr))

    # ---------------------------------------------------- bad input

    def bad(self, what, args, code, want, cwd=None, keep=None):
        d = cwd or os.path.join(self.work, "bad")
        os.makedirs(d, exist_ok=True)
        before = snapshot_dir(d)
        p = self.mg(d, *args)
        lines = p.stderr.splitlines()
        problems = []
        if p.returncode != code:
            problems.append("exit %d, expected %d" % (p.returncode, code))
        if len(lines) != 1 or not re.search(want, lines[0] if lines else ""):
            problems.append("stderr is not one line matching %r: %r" % (want, p.stderr))
        if snapshot_dir(d) != before:
            problems.append("files were written")
        if problems:
            self.failures.append("bad input (%s): %s" % (what, "; ".join(problems)))

    def bad_input(self):
        d = os.path.join(self.work, "bad")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        self.bad("usage", ["pull", "--frobnicate"], 2, r"unknown option")
        self.bad("usage", ["pull", "sqlite:a.db", "sqlite:b.db"], 2, r"one URL at most")
        self.bad("usage", ["pull", "--header"], 2, r"--header needs a file name")
        self.bad("usage", ["pull", "--header", "sub/schema.h"], 2, r"without a directory")
        self.bad("usage", ["pull", "--header", "schema.txt"], 2, r"ending in \.h")
        self.bad("bad URL", ["pull", "mysql://x/y"], 3, r"unknown scheme")
        empty = self.db.new("empty")
        self.db.execute(empty, "CREATE TABLE gone (a integer); DROP TABLE gone;")
        self.bad("empty database", ["pull", self.db.url(empty, d)], 3, r"has no tables")
        if self.dialect == "sqlite":
            self.bad("missing file", ["pull", "sqlite:nothing.db"], 3, r"no such database file")
            with open(os.path.join(d, "notes.txt"), "w") as f:
                f.write("these are not the tables you are looking for\n" * 100)
            self.bad("not a database", ["pull", "sqlite:notes.txt"], 3,
                     r"not a SQLite database")
        else:
            gone = "postgresql://postgres@/postgres?host=%s&port=1" % os.path.join(d, "nosuchdir")
            self.bad("unreachable server", ["pull", gone], 3, r"(?i)connect")
        managed = self.db.new("managed")
        run([self.dbupdate, "-q", self.db.url(managed)], env=self.env)
        self.bad("managed database", ["pull", self.db.url(managed, d)], 3,
                 r"managed by modelgen already.*dbupdate --verify")
        # Existing headers: refused whole, nothing replaced.
        src = self.db.new("existing")
        self.db.execute(src, "CREATE TABLE users (id INTEGER PRIMARY KEY);"
                        "CREATE TABLE tags (id INTEGER PRIMARY KEY);")
        os.makedirs(os.path.join(d, "models"), exist_ok=True)
        with open(os.path.join(d, "models", "users.h"), "w") as f:
            f.write("/* mine */\n")
        self.bad("existing header", ["pull", self.db.url(src, d)], 3,
                 r"models/users\.h exists.*--force")
        # The models/modelgen_foreign.h of an earlier pull that left a
        # table out, when none is now: refused as a header pull replaces;
        # --force removes it, and the models then make a migration.
        d2 = os.path.join(self.work, "stale_foreign")
        shutil.rmtree(d2, ignore_errors=True)
        os.makedirs(os.path.join(d2, "models"))
        stale = os.path.join(d2, "models", "modelgen_foreign.h")
        with open(stale, "w") as f:
            f.write('#include <modelgen/model.h>\nMG_FOREIGN_TABLE("users");\n')
        self.bad("stale modelgen_foreign.h", ["pull", self.db.url(src, d2)], 3,
                 r"models/modelgen_foreign\.h exists.*--force", cwd=d2)
        p = self.mg(d2, "pull", self.db.url(src, d2), "--force")
        if p.returncode != 0 or os.path.exists(stale) or \
                "Removed models/modelgen_foreign.h" not in p.stdout or \
                not os.path.exists(os.path.join(d2, "models", "users.h")):
            self.failures.append("pull --force with a stale modelgen_foreign.h: exit %d, "
                                 "removed: %s\n%s%s" % (p.returncode, not os.path.exists(stale),
                                                        p.stdout, p.stderr))
        elif self.mg(d2, "diff", "-m", "init").returncode != 0:
            self.failures.append("modelgen diff after pull --force removed "
                                 "modelgen_foreign.h failed")
        self.db.drop(empty)
        self.db.drop(managed)
        self.db.drop(src)


def snapshot_dir(d):
    out = {}
    for root, _dirs, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[p] = fh.read()
        for x in _dirs:
            out[os.path.join(root, x) + "/"] = b""
    return out


def main(argv):
    argv = list(argv)
    adopt = None
    if "--adopt" in argv:
        k = argv.index("--adopt")
        adopt = tuple(argv[k + 1:k + 4])
        del argv[k:k + 4]
    args = [a for a in argv[1:] if not a.startswith("--")]
    update = "--update" in argv
    if len(args) < 4:
        sys.stderr.write(__doc__)
        return 3
    dialect, modelgen, dbupdate, work = args[:4]
    rest = args[4:]
    if dialect == "postgresql":
        if not rest or not os.path.exists(rest[0]) or not os.path.getsize(rest[0]):
            print("no PostgreSQL server (fixture URL file missing): skipped")
            return 77
        with open(rest[0]) as f:
            db = Postgres(work, f.read().strip())
        rest = rest[1:]
    else:
        db = Sqlite(work)
    names = set(rest)
    os.makedirs(work, exist_ok=True)
    r = Runner(dialect, os.path.abspath(modelgen), os.path.abspath(dbupdate),
               os.path.abspath(work), db, update, adopt)
    start = time.time()
    entries = corpus(dialect, names)
    def one(entry):
        name, source = entry
        try:
            r.one(name, source)
        except (Failed, introspect.Failure) as e:
            r.failures.append("%s (%s): %s" % (name, dialect, e))
        except Exception:  # a bug in this script: say where, go on
            import traceback
            r.failures.append("%s (%s): %s" % (name, dialect, traceback.format_exc()))

    try:
        # Two at a time: most of a case is waiting for other processes.
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(one, entries))
        r.compile_units.sort()
        r.compile_all()
        if not names:
            r.bad_input()
    finally:
        db.cleanup()
    for f in r.failures:
        sys.stderr.write("FAILED " + f + "\n")
    print("%d schemas on %s, %d failures, %.1f s" % (len(entries), dialect, len(r.failures),
                                                    time.time() - start))
    return 1 if r.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
