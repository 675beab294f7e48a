#!/usr/bin/env python3
"""Models and SQL for the issue 15 upgrade benchmark (bench/upgrade.sh).

usage: upgrade_models.py models DIR N VERSION     write DIR/bench_NN.h (10 headers)
       upgrade_models.py rows DIALECT N ROWS      print SQL inserting ROWS rows per table
       upgrade_models.py check DIALECT N ROWS     print SQL whose one row is "ok" when the
                                                  rows survived the upgrade to version 2
       upgrade_models.py floor N                  print the hand-written SQLite plan of the
                                                  upgrade with native ALTER TABLE only (no
                                                  table rebuild; the default change left out,
                                                  which ALTER TABLE cannot make)

Version 1: N tables t00000.., each with a foreign key to the one before (the
first to itself) and an index on it. Version 2, in every table: a new column,
a changed default and a new index; in every tenth table a column dropped;
plus one new table.
"""
import os
import sys


def name(i):
    return "t%05d" % i


def table(i, version):
    t = name(i)
    ref = name(i - 1 if i else 0)
    lines = [
        "/** Bench table %d. */" % i,
        'struct MG_TABLE("%s") %s {' % (t, t),
        "\tint64_t id MG_PRIMARY_KEY;",
        "\tchar name[65];",
        '\tint32_t status MG_DEFAULT("%s");' % ("0" if version == 1 else "1"),
        '\tint64_t parent_id MG_NULLABLE MG_REFERENCES("%s", "id") MG_INDEX;' % ref,
    ]
    if version == 1 or i % 10 != 0:
        lines.append("\tchar *note MG_NULLABLE;")
    lines.append("\ttime_t created_at%s;" % (" MG_INDEX" if version == 2 else ""))
    if version == 2:
        lines.append('\tint64_t views MG_DEFAULT("0");')
    lines.append("};")
    return "\n".join(lines) + "\n"


def write_models(directory, n, version):
    os.makedirs(directory, exist_ok=True)
    for f in os.listdir(directory):
        if f.startswith("bench_") and f.endswith(".h"):
            os.remove(os.path.join(directory, f))
    per = (n + 9) // 10
    for h in range(10):
        tables = range(h * per, min(n, (h + 1) * per))
        if not tables and not (version == 2 and h == 9):
            continue
        body = ["#include <stdint.h>", "#include <time.h>", "#include <modelgen/model.h>", ""]
        body += [table(i, version) for i in tables]
        if version == 2 and h == 9:
            body.append(
                "/** New in version 2. */\n"
                'struct MG_TABLE("tags") tag {\n'
                "\tint64_t id MG_PRIMARY_KEY;\n"
                "\tchar label[33] MG_UNIQUE;\n"
                "};\n"
            )
        with open(os.path.join(directory, "bench_%02d.h" % h), "w") as out:
            out.write("\n".join(body))


def rows(dialect, n, count):
    out = []
    for i in range(n):
        t = name(i)
        if dialect == "postgresql":
            # The parent in the table before (row k of t(i-1)); the first
            # table points at its own row 1.
            out.append(
                "INSERT INTO %s (id, name, status, parent_id, note, created_at) "
                "OVERRIDING SYSTEM VALUE SELECT g, 'name ' || g, 0, %s, 'note ' || g, 1700000000 + g "
                "FROM generate_series(1, %d) g;" % (t, "1" if i == 0 else "g", count)
            )
        else:
            out.append(
                "WITH RECURSIVE g(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM g WHERE k < %d) "
                "INSERT INTO %s (id, name, status, parent_id, note, created_at) "
                "SELECT k, 'name ' || k, 0, %s, 'note ' || k, 1700000000 + k FROM g;"
                % (count, t, "1" if i == 0 else "k")
            )
    if dialect == "postgresql":
        for i in range(n):
            out.append("SELECT setval(pg_get_serial_sequence('%s', 'id'), %d);" % (name(i), count))
    return "\n".join(out) + "\n"


def check(dialect, n, count):
    """One row 'ok' when every table kept its rows and values."""
    parts = []
    for i in range(n):
        t = name(i)
        note = "note = 'note ' || id" if i % 10 else "1 = 1"
        parts.append(
            "SELECT count(*) AS c FROM %s WHERE name = 'name ' || id AND views = 0 AND %s "
            "AND created_at = 1700000000 + id" % (t, note)
        )
    # SQLite takes at most 500 terms in one compound SELECT: sums of chunks.
    chunks = [parts[k:k + 400] for k in range(0, len(parts), 400)]
    total = " + ".join(
        "(SELECT sum(c) FROM (%s) x)" % " UNION ALL ".join(chunk) for chunk in chunks
    )
    return "SELECT CASE WHEN (%s) = %d THEN 'ok' ELSE 'ROWS LOST' END;\n" % (total, n * count)


def floor(n):
    out = ["BEGIN;"]
    for i in range(n):
        t = name(i)
        out.append("ALTER TABLE %s ADD COLUMN views BIGINT NOT NULL DEFAULT 0;" % t)
        out.append("CREATE INDEX ix_%s_created_at ON %s (created_at);" % (t, t))
        if i % 10 == 0:
            out.append("ALTER TABLE %s DROP COLUMN note;" % t)
    out.append(
        "CREATE TABLE tags (id INTEGER NOT NULL PRIMARY KEY, label VARCHAR(32) NOT NULL);\n"
        "CREATE UNIQUE INDEX uq_tags_label ON tags (label);"
    )
    out.append("COMMIT;")
    return "\n".join(out) + "\n"


def main():
    cmd = sys.argv[1]
    if cmd == "models":
        write_models(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "rows":
        sys.stdout.write(rows(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
    elif cmd == "check":
        sys.stdout.write(check(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
    elif cmd == "floor":
        sys.stdout.write(floor(int(sys.argv[2])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
