#!/usr/bin/env python3
"""Property-based evolution: random valid model histories through the real
modelgen and the real dbupdate, on SQLite and PostgreSQL.

A seeded generator (pure Python, no I/O) builds a history: a list of model
states, each with the rows to insert before migrating to it. A checker then
replays the history step by step: it writes the model headers (checked to be
C11 with gcc -Wpedantic), runs `modelgen diff` (with --allow-drop when the
step drops something, and --allow-blocking) and `modelgen check`, builds a
dbupdate for the history so far (object files cached per migration) and, on
each dialect:
  (a) migrates the database of the previous step (on PostgreSQL, one step
      in three after a dbupdate SIGKILLed at a seeded random moment, so the
      run that follows resumes or redoes it), verifies it (--verify) and
      compares it with a database created empty at this step, through the
      independent introspection of tests/roundtrip/introspect.py;
  (b) takes it down to N-1 (compared with the schema of step N-1, and
      verified: --verify at N-1 undoes migration N's frozen tables) and up
      again (compared with step N); across an irreversible step, checks that
      down is refused without --force and leaves everything as it was, then
      runs the forced round trip on the freshly created database;
  (c) checks that every row inserted before the step is still there with its
      values (renamed columns followed, new columns holding their default,
      NULLs filled where a column became NOT NULL), after the migration and
      after the down-and-up round trip.
Python 3 standard library only. On PostgreSQL, each database is a schema of
the server's `postgres` database (search_path in the URL).

  evolve.py --count 100 --start 1              the CI set (ctest property/evolve)
  MG_SOAK_SECONDS=3600 evolve.py --steps 4-12  seeds from --start until an hour is up
  evolve.py --seed 42 --keep                   one seed; keep its work directory
  evolve.py --replay DIR/history.json          replay a saved history exactly
  evolve.py --print-history --seed 42          the history as JSON
A failure prints the seed, the step, the command that replays that seed and
the saved history (the same seed gives the same history only with the same
generator; a history file replays with any). Regression cases are such
history files: tests/regression/<name>/history.json.
"""

import argparse
import copy
import glob
import hashlib
import json
import multiprocessing
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))

# --------------------------------------------------------------------------
# The model state: plain dicts and lists, so that a history is JSON.
#
# table: {uid, name, tag, file, hint, pk_kind, cols: [col], composites:
#         [{"unique": bool, "cols": [col uid]}]}
# col:   {uid, name, field, kind, len, nullable, default, unique, index,
#         fk: {"table": uid, "on_delete": str|None}|None, hint, pk}
# A hint is a kept MG_RENAMED_FROM that no longer names anything in the
# snapshot; the hint a rename needs is derived when writing the headers.
# --------------------------------------------------------------------------

C_KEYWORDS = set("""auto break case char const continue default do double else enum
extern float for goto if inline int long register restrict return short signed sizeof
static struct switch typedef union unsigned void volatile while bool true false NULL
id""".split())

TABLE_NAMES = ["order", "user", "group", "select", "table", "items", "accounts",
               "events", "notes", "photos", "check", "where", "albums", "Comments",
               "invoice", "ledger", "persons", "carts", "Mixed_Case", "t2", "from",
               "limit", "values", "primary",
               "a_rather_long_table_name_to_push_derived_names_over"]
COLUMN_NAMES = ["order", "user", "group", "from", "limit", "offset", "desc", "end",
                "title", "body", "amount", "qty", "price", "score", "flag", "label",
                "note", "code", "rank", "level", "status", "kind", "value", "key",
                "default", "case", "char", "unsigned", "Total", "createdAt", "x", "y2",
                "primary", "column", "index", "unique", "a_quite_long_column_name_for_index"]

INT_KINDS = ["smallint", "integer", "bigint"]
KINDS = ["smallint", "integer", "bigint", "varchar", "text", "bool", "double"]
C_TYPES = {"bool": "bool", "double": "double", "text": "char *"}
ON_DELETE = [None, "cascade", "set null", "restrict"]
# Spellings of a C type that map to the same SQL type: changing between them
# must not change the schema.
C_SPELLINGS = {"smallint": ["int16_t", "short"], "integer": ["int32_t", "int", "enum prop_kind"],
               "bigint": ["int64_t", "long long", "time_t"]}
COMMENTS = ["Primary data.", "It's kept for audits.", "Caf\u00e9 prices, in cents.",
            "Counts \"events\" per day.", "Owner of the row; see the accounts table."]
STR_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 '"


def lower(s):
    return s.lower()


def literal_value(kind, sql):
    """The Python value of a default literal (as the generator writes them)."""
    if sql is None:
        return None
    if kind in INT_KINDS:
        return int(sql)
    if kind == "bool":
        return 1 if sql == "true" else 0
    if kind == "double":
        return float(sql)
    assert sql[0] == "'" and sql[-1] == "'"
    return sql[1:-1].replace("''", "'")


def ref_col(state, fk):
    """The parent table and column a foreign key points at (None, None when
    either is gone): the primary key, or the unique column fk["col"]."""
    p = find(state, fk["table"])
    if p is None:
        return None, None
    if fk.get("col") is None:
        return p, p["cols"][0]
    return p, find(p["cols"], fk["col"])


def key_values(state, data, fk):
    p, rc = ref_col(state, fk)
    return [r[str(rc["uid"])] for r in data.get(str(p["uid"]), [])
            if r.get(str(rc["uid"])) is not None]


def find(items, uid):
    for it in items:
        if it["uid"] == uid:
            return it
    return None


def derived_names(state):
    """Every derived index/constraint name (full, lower case), with repeats."""
    out = []
    for t in state:
        out.append("pk_" + t["name"])
        for c in t["cols"]:
            if c["unique"]:
                out.append("uq_%s_%s" % (t["name"], c["name"]))
            if c["index"]:
                out.append("ix_%s_%s" % (t["name"], c["name"]))
            if c["fk"]:
                out.append("fk_%s_%s" % (t["name"], c["name"]))
        for comp in t["composites"]:
            names = [find(t["cols"], u)["name"] for u in comp["cols"]]
            out.append("%s_%s_%s" % ("uq" if comp["unique"] else "ix", t["name"],
                                     "_".join(names)))
    return [lower(n) for n in out]


def drops_something(old, new):
    """Whether going from `old` to `new` drops a table or a column."""
    for t in old:
        nt = find(new, t["uid"])
        if nt is None or any(find(nt["cols"], c["uid"]) is None for c in t["cols"]):
            return True
    return False


def schema_of(state):
    """What of a state the database sees (not C field names, not hints)."""
    out = []
    for t in state:
        cols = []
        for c in t["cols"]:
            cols.append((c["uid"], c["name"], c.get("comment"), c["kind"], c["len"], c["nullable"],
                         c["default"],
                         c["unique"], c["index"], json.dumps(c["fk"], sort_keys=True)))
        out.append((t["uid"], t["name"], t.get("comment"), sorted(cols, key=str),
                    json.dumps(t["composites"], sort_keys=True)))
    return out


# --------------------------------------------------------------------------
# Data: rows are {col uid (as str): value}; values are int, str, float, None
# (bool as 0/1). `data` maps table uid (as str) to its rows in id order.
# --------------------------------------------------------------------------

def transform(old, new, data):
    """The rows after migrating from state `old` to `new` (pairing by uid)."""
    out = {}
    for t in new:
        ot = find(old, t["uid"])
        rows = data.get(str(t["uid"]), []) if ot else []
        new_rows = []
        for r in rows:
            nr = {}
            for c in t["cols"]:
                k = str(c["uid"])
                if find(ot["cols"], c["uid"]):
                    v = r.get(k)
                else:
                    v = literal_value(c["kind"], c["default"])
                if v is None and not c["nullable"]:
                    v = literal_value(c["kind"], c["default"])
                nr[k] = v
            new_rows.append(nr)
        out[str(t["uid"])] = new_rows
    return out


def data_problem(state, data):
    """Why `data` cannot live in `state` (None when it can)."""
    for t in state:
        rows = data.get(str(t["uid"]), [])
        for c in t["cols"]:
            k = str(c["uid"])
            for r in rows:
                if r[k] is None and not c["nullable"]:
                    return "NULL in NOT NULL %s.%s" % (t["name"], c["name"])
                if c["kind"] == "varchar" and r[k] is not None and len(r[k]) > c["len"]:
                    return "too long"
            if c["unique"]:
                vals = [r[k] for r in rows if r[k] is not None]
                if len(vals) != len(set(vals)):
                    return "duplicate in unique %s.%s" % (t["name"], c["name"])
            if c["fk"]:
                parent, rc = ref_col(state, c["fk"])
                if rc is None:
                    return "fk to a dropped table or column"
                ids = set(key_values(state, data, c["fk"]))
                for r in rows:
                    if r[k] is not None and r[k] not in ids:
                        return "dangling fk %s.%s" % (t["name"], c["name"])
        for comp in t["composites"]:
            if comp["unique"]:
                tuples = [tuple(r[str(u)] for u in comp["cols"]) for r in rows]
                tuples = [x for x in tuples if None not in x]
                if len(tuples) != len(set(tuples)):
                    return "duplicate in composite unique of %s" % t["name"]
    return None


# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------

# Bugs found and not fixed yet, each with its regression case: the
# generator steers around them unless --include-known-bugs, so that the CI
# run can find new ones. Remove an entry when its bug is fixed.
KNOWN_BUGS = {
}


OP_COUNTS = {}


class Generator:
    def __init__(self, seed, steps):
        self.r = random.Random(seed)
        self.seed = seed
        self.n_steps = steps
        self.next_uid = 1
        self.next_id = {}

    def uid(self):
        self.next_uid += 1
        return self.next_uid

    # ---- values -------------------------------------------------------
    def value(self, c, state, data, fresh_rows, table):
        r = self.r
        if c["fk"]:
            parent, rc = ref_col(state, c["fk"])
            ids = key_values(state, data, c["fk"])
            if parent["uid"] == table["uid"]:
                ids += [row[str(rc["uid"])] for row in fresh_rows
                        if row.get(str(rc["uid"])) is not None]
            if c["nullable"] and (not ids or r.random() < 0.3):
                return None
            return r.choice(ids) if ids else "SKIP"
        if c["nullable"] and r.random() < 0.25:
            return None
        k = c["kind"]
        if k in INT_KINDS:
            if r.random() < 0.4:
                return r.randint(1, 8)
            return r.randint(-30000, 30000)
        if k == "bool":
            return r.randint(0, 1)
        if k == "double":
            return r.randint(-400, 400) / 4
        n = min(c["len"], 6) if k == "varchar" else 12
        return "".join(r.choice(STR_ALPHABET) for _ in range(r.randint(0, n)))

    def rows_for(self, state, data):
        """New rows for every table of `state`; appends them to `data`."""
        inserted = {}
        for t in state:
            key = str(t["uid"])
            rows = data.setdefault(key, [])
            fresh = []
            for _ in range(self.r.randint(0, 3)):
                for _attempt in range(10):
                    row = {}
                    ok = True
                    for c in t["cols"]:
                        if c["pk"]:
                            continue
                        v = self.value(c, state, data, fresh, t)
                        if v == "SKIP":
                            ok = False
                            break
                        row[str(c["uid"])] = v
                    if not ok:
                        break
                    pk = str(t["cols"][0]["uid"])
                    row[pk] = self.next_id.get(t["uid"], 1)
                    trial = dict(data)
                    trial[key] = rows + fresh + [row]
                    if data_problem(state, trial) is None:
                        self.next_id[t["uid"]] = row[pk] + 1
                        fresh.append(row)
                        break
            rows.extend(fresh)
            if fresh:
                inserted[key] = fresh
        return inserted

    # ---- names --------------------------------------------------------
    # A name is free when nothing has it now, no kept hint names it, and
    # in the snapshot it belonged to nothing or to something that is renamed
    # in this step (the hint pairs first, so a new table or column, or a
    # swap, may take it). A name dropped in this step stays taken: the tool
    # pairs by name, so dropping and re-adding it would be an alteration.
    def taken_tables(self, state, start, rename=False):
        names = set(lower(t["name"]) for t in state)
        names |= set(lower(t["hint"]) for t in state if t["hint"])
        for t in start:
            now = find(state, t["uid"])
            if now is None or lower(now["name"]) == lower(t["name"]) or \
                    (rename and KNOWN_BUGS.get("rename_chain")):
                names.add(lower(t["name"]))
        return names

    def taken_cols(self, t, start, rename=False):
        names = set(lower(c["name"]) for c in t["cols"])
        names |= set(lower(c["hint"]) for c in t["cols"] if c["hint"])
        st = find(start, t["uid"])
        if st:
            for c in st["cols"]:
                now = find(t["cols"], c["uid"])
                if now is None or lower(now["name"]) == lower(c["name"]) or \
                        (rename and KNOWN_BUGS.get("rename_chain")):
                    names.add(lower(c["name"]))
        return names

    def pick_name(self, pool, taken):
        free = [n for n in pool if lower(n) not in taken]
        if not free:
            return None
        return self.r.choice(free)

    def field_for(self, c):
        if c["name"] in C_KEYWORDS or self.r.random() < 0.15:
            c["field"] = "f%d" % c["uid"]
        else:
            c["field"] = None

    # ---- building blocks ----------------------------------------------
    def key_targets(self, state, t):
        """What a foreign key of table t may point at: the primary key, or a
        unique integer or string column, of t or of an older table (keys
        never form a cycle between tables, so rows can go in in order)."""
        out = []
        for p in state:
            if p["uid"] > t["uid"]:
                continue
            for c in p["cols"]:
                if c["pk"] or (c["unique"] and c["kind"] in INT_KINDS + ["varchar", "text"]):
                    out.append((p, c))
        return out

    def new_col(self, t, state, start, table_is_new, want_fk=False):
        r = self.r
        name = self.pick_name(COLUMN_NAMES, self.taken_cols(t, start))
        if name is None:
            return None
        c = {"uid": self.uid(), "name": name, "field": None, "kind": None, "len": 0,
             "nullable": r.random() < 0.5, "default": None, "unique": False,
             "index": False, "fk": None, "hint": None, "pk": False}
        self.field_for(c)
        targets = self.key_targets(state, t)
        if targets and (want_fk or r.random() < 0.25):
            p, rc = r.choice(targets)
            c["kind"], c["len"] = rc["kind"], rc["len"]
            c["fk"] = {"table": p["uid"], "on_delete": r.choice(ON_DELETE),
                       "col": None if rc["pk"] else rc["uid"]}
            if p["uid"] == t["uid"] or not table_is_new:
                c["nullable"] = True
            if c["fk"]["on_delete"] == "set null":
                c["nullable"] = True
        else:
            c["kind"] = r.choice(KINDS)
            if c["kind"] == "varchar":
                c["len"] = r.randint(4, 40)
            if (not c["nullable"] and not table_is_new) or r.random() < 0.3:
                c["default"] = self.default_for(c)
        c["unique"] = r.random() < 0.12
        c["index"] = not c["unique"] and r.random() < 0.15
        return c

    def default_for(self, c):
        r = self.r
        k = c["kind"]
        if k in INT_KINDS:
            return r.choice(["0", "1", "42", "-7", "300"])
        if k == "bool":
            return r.choice(["true", "false"])
        if k == "double":
            return r.choice(["0", "1.5", "-0.25"])
        return r.choice(["''", "'x'", "'ab'", "'a''b'"])

    def new_table(self, state, start):
        r = self.r
        name = self.pick_name(TABLE_NAMES, self.taken_tables(state, start))
        if name is None:
            return None
        uid = self.uid()
        pk = {"uid": self.uid(), "name": "id", "field": None,
              "kind": r.choice(["bigint", "bigint", "integer"]), "len": 0,
              "nullable": False, "default": None, "unique": False, "index": False,
              "fk": None, "hint": None, "pk": True}
        t = {"uid": uid, "name": name, "tag": "t%d" % uid, "file": r.randint(0, 2),
             "hint": None, "pk_kind": pk["kind"], "cols": [pk], "composites": []}
        for _ in range(r.randint(1, 4)):
            c = self.new_col(t, state + [t], start, True)
            if c:
                t["cols"].append(c)
        if len(t["cols"]) >= 3 and r.random() < 0.3:
            self.add_composite(t)
        return t

    def add_composite(self, t):
        r = self.r
        cands = [c["uid"] for c in t["cols"] if not c["pk"]]
        if len(cands) < 2:
            return False
        cols = r.sample(cands, r.randint(2, min(3, len(cands))))
        comp = {"unique": r.random() < 0.5, "cols": cols}
        for other in t["composites"]:
            if other["unique"] == comp["unique"] and other["cols"] == cols:
                return False
        t["composites"].append(comp)
        return True

    # ---- operations (each may refuse by returning False) --------------
    def op_add_table(self, st):
        t = self.new_table(st["state"], st["start"])
        if not t:
            return False
        st["state"].append(t)
        return True

    def op_drop_table(self, st):
        state = st["state"]
        if not state:
            return False
        t = self.r.choice(state)
        state.remove(t)
        for o in state:
            for c in list(o["cols"]):
                if c["fk"] and c["fk"]["table"] == t["uid"]:
                    if self.r.random() < 0.5:
                        c["fk"] = None
                    else:
                        self.drop_col(o, c)
        st["drop"] = True
        return True

    def op_rename_table(self, st):
        state = st["state"]
        if not state:
            return False
        t = self.r.choice(state)
        name = self.pick_name(TABLE_NAMES, self.taken_tables(state, st["start"], True))
        if not name:
            return False
        t["name"] = name
        return True

    def some_table(self, st):
        if not st["state"]:
            return None
        return self.r.choice(st["state"])

    def some_col(self, st, pred=lambda c: True):
        cands = [(t, c) for t in st["state"] for c in t["cols"] if not c["pk"] and pred(c)]
        if not cands:
            return None, None
        return self.r.choice(cands)

    def op_add_column(self, st):
        t = self.some_table(st)
        if not t:
            return False
        is_new = find(st["start"], t["uid"]) is None
        c = self.new_col(t, st["state"], st["start"], is_new)
        if not c:
            return False
        if self.r.random() < 0.3:
            t["cols"].insert(self.r.randrange(1, len(t["cols"]) + 1), c)
        else:
            t["cols"].append(c)
        return True

    def drop_col(self, t, c):
        t["cols"].remove(c)
        t["composites"] = [x for x in t["composites"] if c["uid"] not in x["cols"]]

    def op_drop_column(self, st):
        t, c = self.some_col(st)
        if not c:
            return False
        self.drop_col(t, c)
        st["drop"] = True
        return True

    def op_rename_column(self, st):
        t, c = self.some_col(st)
        if not c:
            return False
        name = self.pick_name(COLUMN_NAMES, self.taken_cols(t, st["start"], True))
        if not name:
            return False
        c["name"] = name
        self.field_for(c)
        return True

    def op_widen(self, st):
        t, c = self.some_col(st, lambda c: not c["fk"] and c["kind"] in
                             ("smallint", "integer", "varchar"))
        if not c:
            return False
        if c["kind"] == "smallint":
            c["kind"] = self.r.choice(["integer", "bigint"])
        elif c["kind"] == "integer":
            c["kind"] = "bigint"
        elif self.r.random() < 0.4:
            c["kind"] = "text"
            c["len"] = 0
        else:
            c["len"] = c["len"] + self.r.randint(1, 30)
        if c["default"] is not None and c["kind"] in INT_KINDS:
            pass
        return True

    def op_default(self, st):
        t, c = self.some_col(st, lambda c: not c["fk"])
        if not c:
            return False
        if c["default"] is not None and self.r.random() < 0.4:
            c["default"] = None
            return True
        old = c["default"]
        c["default"] = self.default_for(c)
        return c["default"] != old

    def op_nullability(self, st):
        t, c = self.some_col(st, lambda c: not c["fk"])
        if not c:
            return False
        if c["nullable"]:
            c["nullable"] = False
            if c["default"] is None:
                c["default"] = self.default_for(c)
        else:
            c["nullable"] = True
        return True

    def op_index(self, st):
        r = self.r
        t = self.some_table(st)
        if not t:
            return False
        choice = r.randint(0, 3)
        if choice == 0:
            cs = [c for c in t["cols"] if not c["pk"] and not c["unique"]]
            if not cs:
                return False
            c = r.choice(cs)
            c["index"] = not c["index"]
            return True
        if choice == 1:
            cs = [c for c in t["cols"] if not c["pk"] and not c["index"]]
            if not cs:
                return False
            c = r.choice(cs)
            c["unique"] = not c["unique"]
            return True
        if choice == 2 or not t["composites"]:
            return self.add_composite(t)
        t["composites"].remove(r.choice(t["composites"]))
        return True

    def op_fk(self, st):
        r = self.r
        state = st["state"]
        t, c = self.some_col(st, lambda c: c["fk"] is not None)
        if c and r.random() < 0.6:
            if r.random() < 0.5:
                c["fk"] = None
            else:
                acts = [a for a in ON_DELETE if a != c["fk"]["on_delete"] and
                        (a != "set null" or c["nullable"])]
                c["fk"]["on_delete"] = r.choice(acts)
            return True
        if r.random() < 0.5:
            # A new column that is a foreign key.
            t = self.some_table(st)
            if not t:
                return False
            c = self.new_col(t, state, st["start"], find(st["start"], t["uid"]) is None,
                             want_fk=True)
            if not c or not c["fk"]:
                return False
            t["cols"].append(c)
            return True
        t, c = self.some_col(st, lambda c: c["fk"] is None and c["kind"] in INT_KINDS)
        if not c:
            return False
        targets = [(p, rc) for p, rc in self.key_targets(state, t)
                   if rc["kind"] == c["kind"] and rc["uid"] != c["uid"]]
        if not targets:
            return False
        p, rc = r.choice(targets)
        acts = [a for a in ON_DELETE if a != "set null" or c["nullable"]]
        c["fk"] = {"table": p["uid"], "on_delete": r.choice(acts),
                   "col": None if rc["pk"] else rc["uid"]}
        c["default"] = None
        return True

    def op_comment(self, st):
        r = self.r
        t = self.some_table(st)
        if not t:
            return False
        target = t if r.random() < 0.4 else r.choice(t["cols"])
        old = target.get("comment")
        target["comment"] = None if old and r.random() < 0.4 else r.choice(COMMENTS)
        return target["comment"] != old

    def op_move(self, st):
        """A table to another header file, or a column to another place in
        its struct: neither changes the schema."""
        t = self.some_table(st)
        if not t:
            return False
        if self.r.random() < 0.5:
            t["file"] = (t["file"] + 1) % 3
        elif len(t["cols"]) > 2:
            c = t["cols"].pop(self.r.randrange(1, len(t["cols"])))
            t["cols"].insert(self.r.randrange(1, len(t["cols"]) + 1), c)
        return True

    OPS = [("add_table", 2), ("drop_table", 2), ("rename_table", 3), ("add_column", 5),
           ("drop_column", 3), ("rename_column", 4), ("widen", 3), ("default", 3),
           ("nullability", 3), ("index", 5), ("fk", 6), ("comment", 1), ("move", 1)]

    def step(self, prev, data, first):
        """The next state after `prev` (data: the rows `prev` holds)."""
        r = self.r
        for _attempt in range(50):
            st = {"state": copy.deepcopy(prev), "start": prev, "drop": False}
            # Kept hints: a rename's hint stays for a while, then goes.
            for t in st["state"]:
                if t["hint"] and r.random() < 0.35:
                    t["hint"] = None
                for c in t["cols"]:
                    if c["hint"] and r.random() < 0.35:
                        c["hint"] = None
            if first:
                n_ops, names = r.randint(1, 3), ["add_table"]
            else:
                n_ops = r.randint(1, 3)
                names = None
            applied = 0
            for _ in range(n_ops * 4):
                if applied == n_ops:
                    break
                if names:
                    op = names[0]
                else:
                    op = r.choices([o for o, _w in self.OPS], [w for _o, w in self.OPS])[0]
                saved = copy.deepcopy(st["state"])
                saved_drop = st["drop"]
                if not getattr(self, "op_" + op)(st):
                    st["state"], st["drop"] = saved, saved_drop
                    continue
                if not self.valid(st, data):
                    st["state"], st["drop"] = saved, saved_drop
                    continue
                applied += 1
                OP_COUNTS[op] = OP_COUNTS.get(op, 0) + 1
            if applied == 0 or not st["state"] or schema_of(st["state"]) == schema_of(prev):
                continue
            new = st["state"]
            # Renames done in this step keep their hint afterwards, or not.
            self.settle_hints(prev, new)
            return new, st["drop"]
        raise RuntimeError("seed %d: no valid step found" % self.seed)

    def valid(self, st, data):
        new = st["state"]
        names = derived_names(new)
        if len(names) != len(set(names)):
            return False
        for t in new:
            for comp in t["composites"]:
                for other in t["composites"]:
                    if other is not comp and other["unique"] == comp["unique"] and \
                            other["cols"] == comp["cols"]:
                        return False
            for c in t["cols"]:
                if c["fk"]:
                    p, rc = ref_col(new, c["fk"])
                    if rc is None or rc["kind"] != c["kind"] or rc["len"] != c["len"] or \
                            not (rc["pk"] or rc["unique"]) or rc is c:
                        return False
                    if c["fk"]["on_delete"] == "set null" and not c["nullable"]:
                        return False
                    if KNOWN_BUGS.get("self_restrict") and c["fk"]["table"] == t["uid"] and \
                            c["fk"]["on_delete"] == "restrict":
                        return False
                    if KNOWN_BUGS.get("self_fk_to_unique") and c["fk"]["table"] == t["uid"] and \
                            not rc["pk"]:
                        return False
                if c["unique"] and c["index"]:
                    return False
            ot = find(st["start"], t["uid"])
            if ot:
                for c in t["cols"]:
                    oc = find(ot["cols"], c["uid"])
                    if (oc is None or oc["nullable"]) and not c["nullable"] and \
                            c["default"] is None:
                        return False
        after = transform(st["start"], new, data)
        if data_problem(new, after) is not None:
            return False
        # Down must be able to put back the constraints of the step before
        # (skipped across irreversible steps): rows filled from a default
        # where a column became NOT NULL do not go back to NULL, and a key
        # or unique index the step drops must accept them again.
        if not drops_something(st["start"], new):
            back = transform(new, st["start"], after)
            if data_problem(st["start"], back) is not None:
                return False
        return True

    def settle_hints(self, prev, new):
        # Not stored here: the writer derives needed hints from prev/new. A
        # hint is only *kept* (stale) in later states; mark which to keep.
        # A hint whose old name something else now has must go.
        for t in new:
            pt = find(prev, t["uid"])
            if pt is None:
                continue
            if pt["name"] != t["name"]:
                reused = any(lower(o["name"]) == lower(pt["name"]) for o in new)
                t["keep_hint"] = pt["name"] if not reused and self.r.random() < 0.5 else None
            for c in t["cols"]:
                pc = find(pt["cols"], c["uid"])
                if pc is not None and pc["name"] != c["name"]:
                    reused = any(lower(o["name"]) == lower(pc["name"]) for o in t["cols"])
                    c["keep_hint"] = pc["name"] if not reused and self.r.random() < 0.5 \
                        else None

    def history(self):
        steps = []
        state, data = [], {}
        for n in range(1, self.n_steps + 1):
            rows = self.rows_for(state, data) if n > 1 else {}
            new, _ = self.step(state, data, n == 1)
            drop = drops_something(state, new)
            data = transform(state, new, data)
            steps.append({"state": copy.deepcopy(new), "allow_drop": drop, "rows": rows})
            # Carry kept hints into the next state as stale hints.
            for t in new:
                if "keep_hint" in t:
                    t["hint"] = t.pop("keep_hint")
                for c in t["cols"]:
                    if "keep_hint" in c:
                        c["hint"] = c.pop("keep_hint")
            state = new
        return {"seed": self.seed, "steps": steps}


# --------------------------------------------------------------------------
# Writing the model headers
# --------------------------------------------------------------------------

def c_type(c, step, fileno):
    if c["kind"] == "varchar":
        return "char", "[%d]" % (c["len"] + 1)
    if c["kind"] in C_SPELLINGS and not c["pk"]:
        sp = C_SPELLINGS[c["kind"]]
        ty = sp[(c["uid"] * 7 + step) % len(sp)]
        return ty.replace("enum prop_kind", "enum prop_kind%d" % fileno), ""
    if c["kind"] in C_SPELLINGS:
        return C_SPELLINGS[c["kind"]][0], ""
    return C_TYPES[c["kind"]], ""


def c_comment(text):
    return "/** %s */" % text


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def table_hint(prev, t):
    pt = find(prev, t["uid"])
    if pt is not None and pt["name"] != t["name"]:
        return pt["name"]
    return t.get("hint")


def col_hint(pt, c):
    if pt is not None:
        pc = find(pt["cols"], c["uid"])
        if pc is not None and pc["name"] != c["name"]:
            return pc["name"]
    return c.get("hint")


def render_headers(prev, state, seed, step):
    files = {}
    for t in state:
        pt = find(prev, t["uid"])
        ann = ["MG_TABLE(%s)" % cstr(t["name"])]
        h = table_hint(prev, t)
        if h:
            ann.append("MG_RENAMED_FROM(%s)" % cstr(h))
        for comp in t["composites"]:
            names = ", ".join(find(t["cols"], u)["name"] for u in comp["cols"])
            ann.append("%s(%s)" % ("MG_UNIQUE_ON" if comp["unique"] else "MG_INDEX_ON",
                                   cstr(names)))
        lines = ["struct %s %s {" % (" ".join(ann), t["tag"])]
        if t.get("comment"):
            lines.insert(0, c_comment(t["comment"]))
        for c in t["cols"]:
            ty, arr = c_type(c, step, t["file"])
            if c.get("comment"):
                lines.append("\t" + c_comment(c["comment"]))
            field = c["field"] or c["name"]
            a = []
            if c["pk"]:
                a.append("MG_PRIMARY_KEY")
            if c["field"]:
                a.append("MG_COLUMN(%s)" % cstr(c["name"]))
            if c["nullable"]:
                a.append("MG_NULLABLE")
            if c["unique"]:
                a.append("MG_UNIQUE")
            if c["index"]:
                a.append("MG_INDEX")
            if c["default"] is not None:
                a.append("MG_DEFAULT(%s)" % cstr(c["default"]))
            if c["fk"]:
                p, rc = ref_col(state, c["fk"])
                a.append("MG_REFERENCES(%s, %s)" % (cstr(p["name"]), cstr(rc["name"])))
                if c["fk"]["on_delete"]:
                    a.append("MG_ON_DELETE(%s)" % cstr(c["fk"]["on_delete"]))
            h = col_hint(pt, c)
            if h:
                a.append("MG_RENAMED_FROM(%s)" % cstr(h))
            star = ty.endswith("*")
            decl = "%s%s%s%s" % (ty, "" if star else " ", field, arr)
            lines.append("\t%s%s;" % (decl, "".join(" " + x for x in a)))
        lines.append("};")
        files.setdefault(t["file"], []).append("\n".join(lines))
    out = {}
    for f, structs in sorted(files.items()):
        guard = "PROP_M%d_H" % f
        out["m%d.h" % f] = (
            "/* Written by tests/property/evolve.py: seed %d, step %d. */\n"
            "#ifndef %s\n#define %s\n\n#include <stdbool.h>\n#include <stdint.h>\n"
            "#include <time.h>\n\n#include <modelgen/model.h>\n\n"
            "enum prop_kind%d { PROP_A%d, PROP_B%d };\n\n%s\n\n#endif\n"
            % (seed, step, guard, guard, f, f, f, "\n\n".join(structs)))
    return out


# --------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------

def qi(name):
    return '"' + name.replace('"', '""') + '"'


def sql_lit(kind, v):
    if v is None:
        return "NULL"
    if kind == "bool":
        return "TRUE" if v else "FALSE"
    if kind in INT_KINDS:
        return str(v)
    if kind == "double":
        return repr(float(v))
    return "'" + v.replace("'", "''") + "'"


def norm(kind, v):
    if v is None:
        return None
    if kind == "bool":
        if isinstance(v, str):
            return 1 if v in ("t", "true") else 0
        return 1 if v else 0
    if kind in INT_KINDS:
        return int(v)
    if kind == "double":
        return float(v)
    return str(v)


class Failure(Exception):
    pass


TIMES = {}


def run(cmd, cwd=None, env=None, ok=(0,), what=None):
    t0 = time.time()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    key = (what or cmd[0]).split(" (")[0]
    TIMES[key] = TIMES.get(key, 0) + time.time() - t0
    if ok is not None and p.returncode not in ok:
        raise Failure("%s: exit %d\n$ %s\n%s" % (what or cmd[0], p.returncode,
                                                 " ".join(cmd), p.stdout.rstrip()))
    return p


class Dialect:
    """One dialect's three databases for a history: mig (migrated step by
    step, holding rows), fresh (created at the current step) and copy (mig
    copied, then taken down and up)."""


class SqliteDB(Dialect):
    name = "sqlite"

    def __init__(self, work, tag):
        self.dir = os.path.join(work, "sqlite")
        os.makedirs(self.dir, exist_ok=True)

    def path(self, role):
        return os.path.join(self.dir, role + ".db")

    def url(self, role):
        return "sqlite:" + self.path(role)

    def reset(self, role):
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(self.path(role) + suffix):
                os.unlink(self.path(role) + suffix)
        open(self.path(role), "w").close()

    def execute(self, role, statements):
        con = sqlite3.connect(self.path(role))
        try:
            con.execute("PRAGMA foreign_keys=ON")
            with con:
                for s in statements:
                    con.execute(s)
        finally:
            con.close()

    def select(self, role, queries):
        con = sqlite3.connect(self.path(role))
        try:
            return {k: [list(r) for r in con.execute(q).fetchall()] for k, q in queries.items()}
        finally:
            con.close()

    def close(self):
        pass


class PsqlSession:
    """One long-lived psql process: a query costs a round trip, not a new
    process and connection (psql start-up dominates on a loaded machine)."""
    MARK = "__mgprop_end__"

    def __init__(self, url):
        self.p = subprocess.Popen(["psql", "-XAtq", "-v", "ON_ERROR_STOP=0", url],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, universal_newlines=True)
        self.query("SET client_min_messages = warning")

    def query(self, sql, what="psql"):
        """Runs `sql`; returns its output, raises Failure on an error."""
        t0 = time.time()
        try:
            self.p.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo %s :ERROR\n" % self.MARK)
            self.p.stdin.flush()
        except OSError as e:
            raise Failure("%s: psql session: %s" % (what, e))
        out = []
        for line in self.p.stdout:
            if line.startswith(self.MARK):
                text = "".join(out)
                TIMES[what] = TIMES.get(what, 0) + time.time() - t0
                if line.split()[1] != "false" or re.search(r"^(psql:.*)?(ERROR|FATAL):", text, re.M):
                    raise Failure("%s failed:\n%s\n%s" % (what, sql[:2000], text.rstrip()))
                return text
            out.append(line)
        raise Failure("%s: the psql session ended:\n%s" % (what, "".join(out)))

    def close(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        self.p.wait()


# URL -> (session, schema) of the PostgreSQL databases of this process, for
# the introspect.py shim below.
PG_URLS = {}


class PgDB(Dialect):
    """The roles are schemas of the server's database (a CREATE DATABASE
    costs a second or more); the URLs select them with search_path, and the
    runtime and introspect.py both work in current_schema()."""
    name = "postgresql"

    def __init__(self, base_url, tag):
        self.base = base_url
        self.tag = tag
        self.made = set()
        self.session = PsqlSession(base_url)

    def schema(self, role):
        return "mgprop_%s_%s" % (self.tag, role)

    def url(self, role):
        u = self.base + ("&" if "?" in self.base else "?") + \
            "options=-csearch_path%3D" + self.schema(role)
        PG_URLS[u] = (self.session, self.schema(role))
        return u

    def reset(self, role):
        self.session.query("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s"
                           % (self.schema(role), self.schema(role)), "psql (reset schema)")
        self.made.add(role)

    def execute(self, role, statements):
        if statements:
            self.session.query("SET search_path TO %s; BEGIN;\n%s;\nCOMMIT" % (
                self.schema(role), ";\n".join(statements)), "psql (insert)")

    def select(self, role, queries):
        if not queries:
            return {}
        sel = []
        for k, q in queries.items():
            sel.append("'%s', (SELECT coalesce(json_agg(to_json(q)), '[]') FROM (%s) q)" % (k, q))
        out = self.session.query("SET search_path TO %s; SELECT json_build_object(%s)"
                                 % (self.schema(role), ", ".join(sel)), "psql (select)")
        raw = json.loads(out)
        return {k: [list(r.values()) for r in rows] for k, rows in raw.items()}

    def close(self):
        try:
            for role in sorted(self.made):
                self.session.query("DROP SCHEMA IF EXISTS %s CASCADE" % self.schema(role))
        except Failure:
            pass
        self.session.close()


class SubprocessShim:
    """Stands in for the subprocess module inside introspect.py: its psql
    call on one of our URLs runs in our session instead."""

    class Result:
        def __init__(self, rc, out, err):
            self.returncode, self.stdout, self.stderr = rc, out, err

    def __getattr__(self, name):
        return getattr(subprocess, name)

    def run(self, args, **kw):
        url = None
        if args and args[0] == "psql" and "-d" in args:
            url = args[args.index("-d") + 1]
        if url not in PG_URLS or args[-2] != "-c":
            return subprocess.run(args, **kw)
        session, schema = PG_URLS[url]
        try:
            out = session.query("SET search_path TO %s; %s" % (schema, args[-1]),
                                "psql (introspect)")
        except Failure as e:
            return self.Result(3, b"", str(e).encode())
        return self.Result(0, out.encode(), b"")


# --------------------------------------------------------------------------
# Introspection: the independent one from tests/roundtrip/introspect.py when
# it exists; otherwise only dbupdate --verify checks the schemas.
# --------------------------------------------------------------------------

_introspect = None


def load_introspect():
    global _introspect
    if _introspect is not None:
        return _introspect or None
    path = os.path.join(SOURCE_DIR, "tests", "roundtrip", "introspect.py")
    _introspect = False
    if os.path.exists(path):
        import importlib.util
        spec = importlib.util.spec_from_file_location("mg_introspect", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mod.subprocess = SubprocessShim()
        _introspect = mod
    return _introspect or None


INTROSPECT_OPTS = {"column_order": False, "no_names": False, "no_comments": False}


def introspect(db, role):
    """The normalised schema of a database (lines), or None without
    introspect.py."""
    mod = load_introspect()
    if mod is None:
        return None
    try:
        if db.name == "sqlite":
            return mod.sqlite_dump(db.path(role), dict(INTROSPECT_OPTS))
        return mod.pg_dump(db.url(role), dict(INTROSPECT_OPTS))
    except mod.Failure as e:
        raise Failure("introspect.py (%s database): %s" % (role, e))


# --------------------------------------------------------------------------
# The checker
# --------------------------------------------------------------------------

# dbupdate's front end, compiled with each history's registry.
DBUPDATE_MAIN = os.path.join(SOURCE_DIR, "tools", "dbupdate", "main.c")


class Checker:
    def __init__(self, opts, history, work):
        self.o = opts
        self.h = history
        self.work = work
        self.seed = history["seed"]
        self.dbs = []
        tag = "%d_%d" % (os.getpid(), self.seed)
        if "sqlite" in opts.dialects:
            self.dbs.append(SqliteDB(work, tag))
        if "postgresql" in opts.dialects and opts.pg_url:
            self.dbs.append(PgDB(opts.pg_url, tag))
        self.cc = [opts.cc, "-std=c11", "-O0", "-Wall", "-Wextra", "-Werror",
                   "-I", opts.include]
        self.step_no = 0
        self.stats = {"steps": 0, "kills": 0}

    def fail(self, msg):
        raise Failure("step %d: %s" % (self.step_no, msg))

    def modelgen(self, args, ok=(0,)):
        return run([self.o.modelgen, "-M", "models", "-G", "generated"] + args,
                   cwd=self.work, ok=ok, what="modelgen " + args[0])

    def build(self, n):
        obj = os.path.join(self.work, "obj")
        os.makedirs(obj, exist_ok=True)
        gen = os.path.join(self.work, "generated")
        srcs = sorted(glob.glob(os.path.join(gen, "migrations", "*.c")))
        if len(srcs) != n:
            self.fail("expected %d migrations, found %d" % (n, len(srcs)))
        todo = [os.path.join(gen, "registry.c")]
        objs = [os.path.join(obj, "registry.o")]
        for s in srcs:
            o = os.path.join(obj, os.path.basename(s)[:-2] + ".o")
            objs.append(o)
            if not os.path.exists(o):
                todo.append(s)
        main_o = os.path.join(obj, "main.o")
        if not os.path.exists(main_o):
            todo.append(DBUPDATE_MAIN)
        run(self.cc + ["-c"] + todo, cwd=obj, what="cc (generated code)")
        exe = os.path.join(self.work, "dbupdate")
        run([self.o.cc] + self.o.ldflags + ["-o", exe] + objs + [main_o, self.o.runtime_lib] +
            self.o.libs,
            what="link dbupdate")
        with open(srcs[-1]) as f:
            self.irreversible = "MG_MIGRATION_IRREVERSIBLE" in f.read()
        self.exe = exe

    def dbupdate(self, db, role, args, ok=(0,), what=None):
        return run([self.exe, "-q", "--lock-timeout", "120"] + args + [db.url(role)], ok=ok,
                   what="%s dbupdate %s (%s database)" % (db.name, " ".join(args) or "", role)
                   if what is None else what)

    def queries(self, state):
        q = {}
        for t in state:
            cols = ", ".join(qi(c["name"]) for c in t["cols"])
            q[str(t["uid"])] = "SELECT %s FROM %s ORDER BY %s" % (cols, qi(t["name"]), qi("id"))
        return q

    def insert_sql(self, state, rows):
        out = []
        for t in state:
            for r in rows.get(str(t["uid"]), []):
                cols = [c for c in t["cols"]]
                out.append("INSERT INTO %s (%s) VALUES (%s)" % (
                    qi(t["name"]), ", ".join(qi(c["name"]) for c in cols),
                    ", ".join(sql_lit(c["kind"], r[str(c["uid"])]) for c in cols)))
        return out

    def check_rows(self, db, role, state, data, when="after migrating"):
        got = db.select(role, self.queries(state))
        for t in state:
            key = str(t["uid"])
            want = [[norm(c["kind"], r[str(c["uid"])]) for c in t["cols"]] for r in data.get(key, [])]
            have = [[norm(c["kind"], v) for c, v in zip(t["cols"], r)] for r in got[key]]
            if want != have:
                self.fail("%s: (c) rows of table %s differ %s\n  columns:  %s\n"
                          "  expected: %s\n  found:    %s"
                          % (db.name, t["name"], when, [c["name"] for c in t["cols"]], want,
                             have))

    def compare(self, db, a, b, what):
        if a is None or b is None:
            return
        if a != b:
            self.fail("%s: %s\n%s" % (db.name, what, schema_diff(a, b)))

    def run(self):
        steps = self.h["steps"]
        os.makedirs(os.path.join(self.work, "models"), exist_ok=True)
        prev = []
        data = {}
        schema_before = {}
        for db in self.dbs:
            db.reset("mig")
            schema_before[db.name] = introspect(db, "mig")
        try:
            for i, step in enumerate(steps):
                self.step_no = n = i + 1
                if self.o.stop_step and n > self.o.stop_step:
                    break
                state = step["state"]
                # Rows go into the migrated databases first, in the old shape.
                if n > 1:
                    stmts = self.insert_sql(prev, step["rows"])
                    for db in self.dbs:
                        db.execute("mig", stmts)
                    for k, rows in step["rows"].items():
                        data.setdefault(k, []).extend(rows)
                self.write_models(prev, state, n)
                # A random type change may rewrite a PostgreSQL table under
                # ACCESS EXCLUSIVE ([!], issue 13); what is checked here is
                # that the migration is right, so it is acknowledged.
                args = ["diff", "-m", "step %d" % n, "--allow-blocking"]
                if step["allow_drop"]:
                    args.append("--allow-drop")
                self.modelgen(args)
                self.modelgen(["check"])
                self.build(n)
                if self.irreversible != step["allow_drop"]:
                    self.fail("migration %d %s marked irreversible, but the step %s" % (
                        n, "is" if self.irreversible else "is not",
                        "drops something" if step["allow_drop"] else "drops nothing"))
                data = transform(prev, state, data)
                for db in self.dbs:
                    schema_before[db.name] = self.check_dialect(db, n, prev, state, data,
                                                                schema_before[db.name])
                prev = state
                self.stats["steps"] += 1
        finally:
            for db in self.dbs:
                db.close()

    def killed_run(self, db, n):
        """PostgreSQL, one step in three (seeded by the history and the
        step): a dbupdate SIGKILLed at a random moment of the migration, a
        recorded sequence or one transaction alike. The run after it must
        finish the migration exactly; the checks that follow it (--verify,
        migrated == created, every row kept) are the proof."""
        rnd = random.Random(self.seed * 1009 + n)
        if db.name != "postgresql" or rnd.random() >= 1 / 3:
            return
        delay = rnd.uniform(0.0, 0.25)
        p = subprocess.Popen([self.exe, "-q", "--lock-timeout", "120", db.url("mig")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.kill()
        p.wait()
        self.stats["kills"] += 1

    def check_dialect(self, db, n, prev, state, data, before):
        # Migrate path (after a killed run, sometimes), then the create
        # path at the same step.
        self.killed_run(db, n)
        self.dbupdate(db, "mig", [])
        self.dbupdate(db, "mig", ["--verify"])
        db.reset("fresh")
        self.dbupdate(db, "fresh", [])
        s_mig = introspect(db, "mig")
        s_fresh = introspect(db, "fresh")
        self.compare(db, s_mig, s_fresh,
                     "(a) migrated database differs from one created at step %d" % n)
        self.check_rows(db, "mig", state, data)
        # (b) Down to N-1 and up again. Neither changes what the rows hold:
        # what step N added (tables, columns) holds no rows or only its
        # default, and what it dropped comes back and goes again. Across an
        # irreversible step, down must be refused without --force (nothing
        # changed); forced, it restores dropped NOT NULL columns with their
        # default or a zero value, which rows may not accept (a unique or
        # foreign key), so the forced round trip runs on the fresh database
        # and checks structure only.
        down = ["--to", str(n - 1)]
        target = "mig"
        if self.irreversible:
            p = self.dbupdate(db, "mig", down, ok=None)
            if p.returncode == 0:
                self.fail("%s: dbupdate --to %d undid irreversible migration %d without "
                          "--force" % (db.name, n - 1, n))
            self.compare(db, introspect(db, "mig"), s_mig,
                         "(b) a refused --to %d changed the schema" % (n - 1))
            down.append("--force")
            target = "fresh"
        self.dbupdate(db, target, down)
        self.compare(db, introspect(db, target), before,
                     "(b) --to %d gives a schema that differs from the one at step %d"
                     % (n - 1, n - 1))
        # The runtime's expected schema at N-1 is the latest one with the
        # frozen tables of migration N undone: it must match too.
        self.dbupdate(db, target, ["--verify"],
                      what="%s dbupdate --verify after down (%s database, at %d)"
                      % (db.name, target, n - 1))
        self.dbupdate(db, target, [])
        self.compare(db, introspect(db, target), s_mig,
                     "(b) down to %d and up again gives a schema that differs from step %d"
                     % (n - 1, n))
        if target == "mig":
            self.check_rows(db, "mig", state, data, "after down to %d and up again" % (n - 1))
        else:
            self.check_rows(db, "mig", state, data, "after a refused down to %d" % (n - 1))
        return s_mig

    def write_models(self, prev, state, n):
        d = os.path.join(self.work, "models")
        for f in glob.glob(os.path.join(d, "*.h")):
            os.unlink(f)
        files = render_headers(prev, state, self.seed, n)
        for name, text in files.items():
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(text)
        if self.o.compile_models:
            for name in files:
                run([self.o.cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-Wpedantic",
                     "-fsyntax-only", "-I", self.o.include, os.path.join(d, name)],
                    what="cc (model header %s)" % name)


def schema_diff(a, b):
    import difflib
    return "\n".join(list(difflib.unified_diff(a, b, "first", "second", lineterm=""))[:80])


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def make_history(seed, opts):
    r = random.Random(seed * 7919 + 1)
    steps = r.randint(opts.min_steps, opts.max_steps)
    return Generator(seed, steps).history()


def replay_command(opts, seed, step, history_file=None):
    if history_file:
        what = ["--replay", history_file]
    else:
        what = ["--seed", str(seed), "--steps", "%d-%d" % (opts.min_steps, opts.max_steps)]
    cmd = [sys.executable, os.path.abspath(__file__)] + what + [
           "--dialects", ",".join(opts.dialects), "--modelgen", opts.modelgen,
           "--runtime-lib", opts.runtime_lib, "--include", opts.include, "--keep"]
    if opts.pg_url_file:
        cmd += ["--pg-url-file", opts.pg_url_file]
    if opts.include_known_bugs and not history_file:
        cmd.append("--include-known-bugs")
    if step:
        cmd += ["--stop-step", str(step)]
    return " ".join(cmd)


def cpu_seconds():
    import resource
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    return ch.ru_utime + ch.ru_stime + me.ru_utime + me.ru_stime


def run_seed(args):
    opts, seed, history = args
    t0 = time.time()
    c0 = cpu_seconds()
    if history is None:
        try:
            history = make_history(seed, opts)
        except Exception as e:  # a generator bug, not a product bug
            return seed, {"steps": 0, "kills": 0}, "generator: %r" % e, 0, None, 0
    work = tempfile.mkdtemp(prefix="mgprop-%d-" % seed, dir=opts.work_dir)
    ch = Checker(opts, history, work)
    err = None
    try:
        ch.run()
    except Failure as e:
        err = str(e)
        if not err.startswith("step "):
            err = "step %d: %s" % (ch.step_no, err)
    except Exception as e:
        import traceback
        err = "step %d: internal error: %s" % (ch.step_no, traceback.format_exc())
    if not err and not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
        work = None
    elif work:
        with open(os.path.join(work, "history.json"), "w") as f:
            json.dump(history, f, indent=1, sort_keys=True)
    if opts.verbose:
        print("seed %d times: %s" % (seed, ", ".join("%s %.2f" % kv for kv in
                                                   sorted(TIMES.items(), key=lambda kv: -kv[1]))))
    TIMES.clear()
    return seed, ch.stats, err, time.time() - t0, work, cpu_seconds() - c0


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--modelgen", default=os.path.join(SOURCE_DIR, "build", "gen", "modelgen"))
    ap.add_argument("--runtime-lib",
                    default=os.path.join(SOURCE_DIR, "build", "runtime", "libmodelgen.a"))
    ap.add_argument("--include", default=os.path.join(SOURCE_DIR, "runtime", "include"))
    ap.add_argument("--libs", default="-lsqlite3 -lpq -lm",
                    help="libraries a dbupdate links with (default: %(default)s)")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    ap.add_argument("--pg-url-file", help="file with the PostgreSQL server URL (ctest fixture pg)")
    ap.add_argument("--dialects", default="sqlite,postgresql")
    ap.add_argument("--seed", type=int, help="run this one seed")
    ap.add_argument("--replay", help="run the history in this JSON file (a regression case)")
    ap.add_argument("--start", type=int, default=1, help="first seed (default 1)")
    ap.add_argument("--count", type=int, default=100, help="number of seeds (default 100)")
    ap.add_argument("--steps", default="3-5", help="steps per history, MIN-MAX (default 3-5)")
    ap.add_argument("--stop-step", type=int, default=0, help="stop after this step")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--soak-seconds", type=float,
                    default=float(os.environ.get("MG_SOAK_SECONDS", "0") or 0),
                    help="run seeds from --start on until this many seconds have passed "
                         "(env MG_SOAK_SECONDS)")
    ap.add_argument("--work-dir", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the work directories")
    ap.add_argument("--verbose", "-v", action="store_true", help="time spent per command")
    ap.add_argument("--no-compile-models", dest="compile_models", action="store_false",
                    help="skip compiling the model headers with -Wpedantic")
    ap.add_argument("--print-history", action="store_true",
                    help="print the generated history of --seed as JSON and exit")
    ap.add_argument("--max-failures", type=int, default=5)
    ap.add_argument("--stats", action="store_true",
                    help="count the operations of the histories of --start/--count and exit")
    ap.add_argument("--include-known-bugs", action="store_true",
                    help="do not steer around the bugs in KNOWN_BUGS")
    o = ap.parse_args(argv)
    if o.include_known_bugs:
        KNOWN_BUGS.clear()
    lo, _, hi = o.steps.partition("-")
    o.min_steps, o.max_steps = int(lo), int(hi or lo)
    o.dialects = [d for d in o.dialects.split(",") if d]
    o.modelgen = os.path.abspath(o.modelgen)
    o.runtime_lib = os.path.abspath(o.runtime_lib)
    o.include = os.path.abspath(o.include)
    if o.pg_url_file:
        o.pg_url_file = os.path.abspath(o.pg_url_file)
    o.libs = o.libs.split()
    # gold links a dbupdate about three times faster than bfd.
    o.ldflags = ["-fuse-ld=gold"] if shutil.which("ld.gold") else []
    o.pg_url = None
    if "postgresql" in o.dialects:
        if o.pg_url_file and os.path.exists(o.pg_url_file) and os.path.getsize(o.pg_url_file):
            with open(o.pg_url_file) as f:
                o.pg_url = f.read().strip()
        elif os.environ.get("MG_PG_URL"):
            o.pg_url = os.environ["MG_PG_URL"]
    return o


def main(argv):
    o = parse_args(argv)
    for path, what in ((o.modelgen, "--modelgen"), (o.runtime_lib, "--runtime-lib")):
        if not os.path.exists(path):
            print("evolve.py: %s %s does not exist" % (what, path), file=sys.stderr)
            return 2
    if "postgresql" in o.dialects and not o.pg_url:
        print("evolve.py: no PostgreSQL server (--pg-url-file or MG_PG_URL): SQLite only",
              file=sys.stderr)
        o.dialects = [d for d in o.dialects if d != "postgresql"]
    if load_introspect() is None:
        print("evolve.py: tests/roundtrip/introspect.py not found: schemas compared "
              "with dbupdate --verify only", file=sys.stderr)
    if o.stats:
        for seed in range(o.start, o.start + o.count):
            make_history(seed, o)
        print(" ".join("%s=%d" % kv for kv in sorted(OP_COUNTS.items())))
        return 0
    if o.print_history:
        print(json.dumps(make_history(o.seed or o.start, o), indent=1, sort_keys=True))
        return 0
    if o.replay:
        with open(o.replay) as f:
            history = json.load(f)
        jobs = [(o, history["seed"], history)]
    elif o.seed is not None:
        jobs = [(o, o.seed, None)]
    else:
        jobs = None
    t0 = time.time()
    failures = []
    n_hist = n_steps = n_kills = 0
    cpu = 0.0

    def report(res):
        nonlocal n_hist, n_steps, n_kills, cpu
        seed, stats, err, secs, work, used = res
        steps = stats["steps"]
        n_hist += 1
        n_steps += steps
        n_kills += stats["kills"]
        cpu += used
        if err:
            failures.append(seed)
            step = re.match(r"step (\d+)", err)
            step = int(step.group(1)) if step else 0
            print("FAIL seed %d %s\n  replay: %s%s" % (
                seed, err, replay_command(o, seed, step, o.replay and os.path.abspath(o.replay)),
                "\n  work directory: %s\n  replay its history (any generator version): %s"
                % (work, replay_command(o, seed, step, os.path.join(work, "history.json")))
                if work else ""), flush=True)
        elif o.seed is not None or o.replay:
            print("ok seed %d: %d steps in %.1fs" % (seed, steps, secs))

    if jobs is not None:
        for j in jobs:
            report(run_seed(j))
    else:
        # At most two histories per worker in flight: a soak has no end to
        # enumerate.
        import collections
        pending = collections.deque()
        seed = o.start

        def more():
            if o.soak_seconds:
                return time.time() - t0 < o.soak_seconds
            return seed < o.start + o.count

        with multiprocessing.Pool(o.jobs) as pool:
            while True:
                while more() and len(pending) < 2 * o.jobs:
                    pending.append(pool.apply_async(run_seed, ((o, seed, None),)))
                    seed += 1
                if not pending:
                    break
                # Collect whichever finishes first, in order of submission
                # otherwise.
                done = next((r for r in pending if r.ready()), None)
                if done is None:
                    pending[0].wait(0.2)
                    continue
                pending.remove(done)
                report(done.get())
                if len(failures) >= o.max_failures:
                    print("evolve.py: %d failures, stopping" % len(failures))
                    pool.terminate()
                    break
    print("evolve.py: %d histories, %d steps (%d with a SIGKILLed dbupdate first), %s, "
          "dialects %s, %.1fs (%.0f s CPU in this process tree, load %.1f)%s" % (
        n_hist, n_steps, n_kills, "%d failed (seeds %s)" % (len(failures), " ".join(map(str, sorted(failures))))
        if failures else "all passed", ",".join(o.dialects), time.time() - t0, cpu,
        os.getloadavg()[0],
        "" if load_introspect() else " (schemas compared by --verify only)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
