#!/usr/bin/env bash
# Issue 4 benchmarks, each against the physical limit in the same run:
#   1. dbupdate on an up-to-date SQLite database with 200 migrations applied
#      (wall time, process start included; the limit is `sqlite3 DB 'SELECT 1'`).
#   2. applying the migrations of 1000 tables to an empty database, against
#      the same SQL (`dbupdate --sql`) run by the sqlite3 CLI and by psql.
#   3. a SQLite rebuild of a 1,000,000-row table, against the hand-written
#      rebuild SQL in the sqlite3 CLI; dbupdate's peak RSS at 100k and 1M rows.
#   4. as 1 on a small schema with the same long history (20 tables, 200
#      migrations), printed after 1.
#
# Times are wall clock from bash's $EPOCHREALTIME (no helper process inside
# the measured interval), medians of REPEAT runs; the load (uptime) is
# printed with each part, since the machine may be shared.
#
# usage: bench/dbupdate.sh [BUILD_DIR]     (REPEAT=n, ROWS=n to change sizes,
#                                          PARTS="1 3" to run some parts only)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build/bench}
repeat=${REPEAT:-5}
rows=${ROWS:-1000000}
parts=" ${PARTS:-1 2 3 4} "

if [ ! -x "$build/gen/modelgen" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMG_TESTS=OFF >/dev/null
fi
cmake --build "$build" -j"$(nproc)" >/dev/null
build=$(cd "$build" && pwd)
modelgen=$build/gen/modelgen
work=$(mktemp -d)
pgdir=
cleanup() {
	[ -n "$pgdir" ] && sh "$root/tools/pg.sh" stop "$pgdir" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

# Builds DIR/dbupdate from DIR/generated (object files compiled two at a time).
build_dbupdate() {
	local dir=$1
	mkdir -p "$dir/obj"
	cp "$root/tools/dbupdate/main.c" "$dir/main.c"
	ls "$dir"/generated/migrations/*.c "$dir/generated/registry.c" "$dir/main.c" |
		xargs -P "$(nproc)" -I{} sh -c 'cc -O2 -c -I "$0" "$1" -o "$2/obj/$(basename "$1" .c).o"' \
			"$root/runtime/include" {} "$dir"
	cc -o "$dir/dbupdate" "$dir"/obj/*.o "$build/runtime/libmodelgen.a" \
		$(pkg-config --libs sqlite3)
}

median() { sort -n | awk -v n="$1" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'; }
timed() { # median ms of REPEAT runs of "$@" (stdout discarded)
	local t0 t1 i v=()
	for ((i = 0; i < repeat; i++)); do
		t0=${EPOCHREALTIME/[.,]/}; "$@" >/dev/null; t1=${EPOCHREALTIME/[.,]/}; v+=($((t1 - t0)))
	done
	printf '%s\n' "${v[@]}" | median "$repeat"
}
load() { uptime | sed 's/.*load average: /load /'; }
# Tighter than `timed` for millisecond runs: python's posix_spawn + wait4
# in one process (bash forks itself for every command, which costs a few
# ms on this machine); each argument is one command line, the runs are
# interleaved; prints "wall-median cpu-median" in ms per command.
spawn_timed() { # N CMD...
	python3 - "$@" <<'PY'
import os, shlex, statistics, sys, time
n, cmds = int(sys.argv[1]), [shlex.split(c) for c in sys.argv[2:]]
null = os.open(os.devnull, os.O_WRONLY)
fa = [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
path = lambda a: a if "/" in a else next(d + "/" + a for d in os.environ["PATH"].split(":") if os.access(d + "/" + a, os.X_OK))
wall, cpu = [[] for _ in cmds], [[] for _ in cmds]
for i in range(n + 2):
    for j, argv in enumerate(cmds):
        t0 = time.perf_counter()
        _, _, ru = os.wait4(os.posix_spawn(path(argv[0]), argv, os.environ, file_actions=fa), 0)
        if i >= 2:  # the first two rounds warm the caches
            wall[j].append((time.perf_counter() - t0) * 1e3)
            cpu[j].append((ru.ru_utime + ru.ru_stime) * 1e3)
for w, c in zip(wall, cpu):
    print("%.1f %.1f" % (statistics.median(w), statistics.median(c)))
PY
}

echo "## dbupdate benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo

# 1. 200 migrations, one new table each.
if [[ $parts == *" 1 "* ]]; then
h=$work/h200
mkdir -p "$h"
for ((k = 1; k <= 200; k++)); do
	bash bench/gen_models.sh "$k" "$h/models" 0
	(cd "$h" && "$modelgen" diff -m "step $k" >/dev/null)
done
build_dbupdate "$h"
# The create path stamped everything at once; replay for a realistic table.
rm -f "$h/app.db"
for ((k = 1; k <= 200; k += 50)); do "$h/dbupdate" -q --to "$k" "sqlite:$h/app.db" >/dev/null; done
"$h/dbupdate" -q "sqlite:$h/app.db" >/dev/null
echo "1. ($(load))"
# The floor: starting a process, the sqlite3 CLI, dbupdate doing nothing.
floor_true=$(repeat=51 timed /bin/true)
floor_cli=$(repeat=51 timed sqlite3 :memory: "SELECT 1")
floor_ver=$(repeat=51 timed "$h/dbupdate" --version)
up=$(repeat=51 timed "$h/dbupdate" "sqlite:$h/app.db")
cli=$(repeat=51 timed sqlite3 "$h/app.db" "SELECT count(*) FROM modelgen_migrations")
echo "   timed from bash (median of 51 runs):"
echo "   floor: /bin/true ${floor_true} ms, \`sqlite3 :memory: 'SELECT 1'\` ${floor_cli} ms, \`dbupdate --version\` ${floor_ver} ms"
echo "   up-to-date database, 200 migrations applied: dbupdate ${up} ms wall (process start included); sqlite3 CLI reading the bookkeeping of the same file: ${cli} ms"
mapfile -t sp < <(spawn_timed 101 /bin/true "sqlite3 :memory: 'SELECT 1'" "$h/dbupdate --version" \
	"sqlite3 $h/app.db 'SELECT count(*) FROM modelgen_migrations'" "$h/dbupdate sqlite:$h/app.db")
echo "   timed with posix_spawn + wait4 (median of 101 interleaved runs; wall ms, cpu ms):"
echo "   floor: /bin/true ${sp[0]}, sqlite3 :memory: ${sp[1]}, dbupdate --version ${sp[2]}"
echo "   sqlite3 CLI reading the bookkeeping ${sp[3]}; dbupdate on the up-to-date database ${sp[4]}"
echo
fi

# 4. The same 200 migrations on a small schema: 20 tables, then 199
#    migrations each adding a column to one of them (the start-up cost of
#    a long history without SQLite's parse of a 200-table schema).
if [[ $parts == *" 4 "* ]]; then
h=$work/h20
mkdir -p "$h"
bash bench/gen_models.sh 20 "$h/models" 0
(cd "$h" && "$modelgen" diff -m init >/dev/null)
for ((k = 2; k <= 200; k++)); do
	python3 - "$h/models" "$(printf 't%05d' $((k % 20)))" "$k" <<'PY'
import glob, sys
models, table, k = sys.argv[1:]
key, pk = 'struct MG_TABLE("%s")' % table, "int64_t id MG_PRIMARY_KEY;\n"
for f in glob.glob(models + "/*.h"):
    s = open(f).read()
    if key in s:
        j = s.index(pk, s.index(key)) + len(pk)
        open(f, "w").write(s[:j] + '\tint64_t c%s MG_DEFAULT("0");\n' % k + s[j:])
PY
	(cd "$h" && "$modelgen" diff -m "add c$k" >/dev/null)
done
build_dbupdate "$h"
"$h/dbupdate" -q --to 1 "sqlite:$h/app.db" >/dev/null
"$h/dbupdate" -q "sqlite:$h/app.db" >/dev/null
echo "4. ($(load))"
mapfile -t sp < <(spawn_timed 101 "sqlite3 $h/app.db 'SELECT count(*) FROM modelgen_migrations'" \
	"$h/dbupdate sqlite:$h/app.db")
echo "   20 tables, 200 migrations applied, up to date (posix_spawn + wait4, median of 101 interleaved runs; wall ms, cpu ms):"
echo "   sqlite3 CLI reading the bookkeeping ${sp[0]}; dbupdate ${sp[1]}"
echo
fi

# 2. 1000 tables on an empty database.
if [[ $parts == *" 2 "* ]]; then
echo "2. ($(load))"
t=$work/t1000
mkdir -p "$t"
bash bench/gen_models.sh 1000 "$t/models" 0
(cd "$t" && "$modelgen" diff -m init >/dev/null)
build_dbupdate "$t"
"$t/dbupdate" --sql "sqlite:$t/probe.db" >"$t/create_sqlite.sql"
rm -f "$t/probe.db"
run_dbupdate_sqlite() { rm -f "$t/a.db"; "$t/dbupdate" -q "sqlite:$t/a.db"; }
# The CLI runs the same SQL in one transaction, as dbupdate does.
run_cli_sqlite() { rm -f "$t/b.db"; { echo "BEGIN;"; cat "$t/create_sqlite.sql"; echo "COMMIT;"; } | sqlite3 "$t/b.db"; }
a=$(timed run_dbupdate_sqlite)
b=$(timed run_cli_sqlite)
echo "   1000 tables, empty SQLite database: dbupdate ${a} ms, sqlite3 CLI on \`dbupdate --sql\` in one transaction ${b} ms, ratio $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')x"

pgdir=$(mktemp -d /tmp/pgtest.bench.XXXXXX)
rmdir "$pgdir"
url=$(sh tools/pg.sh start "$pgdir" 54377)
burl=${url/\/postgres\?//bench?}
reset_pg() { PGOPTIONS='-c client_min_messages=warning' psql -q -X "$url" -c 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench' >/dev/null; }
reset_pg
"$t/dbupdate" --sql "$burl" >"$t/create_pg.sql"
# The reset (a new database) is outside the timed part.
pg_timed() { # median ms of REPEAT runs of "$@" on a new database
	local t0 t1 i v=()
	for ((i = 0; i < repeat; i++)); do
		reset_pg
		t0=${EPOCHREALTIME/[.,]/}; "$@" >/dev/null; t1=${EPOCHREALTIME/[.,]/}; v+=($((t1 - t0)))
	done
	printf '%s\n' "${v[@]}" | median "$repeat"
}
a=$(pg_timed "$t/dbupdate" -q "$burl")
b=$(pg_timed psql -q -X -v ON_ERROR_STOP=1 --single-transaction "$burl" -f "$t/create_pg.sql")
echo "   1000 tables, empty PostgreSQL database: dbupdate ${a} ms, psql --single-transaction on \`dbupdate --sql\` ${b} ms, ratio $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')x"
echo
fi

# 3. Rebuild of a big table: a column type change (SQLite cannot ALTER it).
if [[ $parts == *" 3 "* ]]; then
echo "3. ($(load))"
r=$work/rebuild
mkdir -p "$r/models"
cat >"$r/models/item.h" <<'H'
#include <stdint.h>
#include <modelgen/model.h>
struct MG_TABLE("items") item {
	int64_t id MG_PRIMARY_KEY;
	char name[33] MG_INDEX;
	int32_t qty;
	double price;
};
H
(cd "$r" && "$modelgen" diff -m init >/dev/null)
sed -i 's/int32_t qty;/int64_t qty;/' "$r/models/item.h"
(cd "$r" && "$modelgen" diff -m widen_qty >/dev/null)
build_dbupdate "$r"
fill() { # DB ROWS: database at migration 1 with ROWS rows
	rm -f "$1"
	"$r/dbupdate" -q --to 1 "sqlite:$1" >/dev/null
	sqlite3 "$1" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
		INSERT INTO items (id, name, qty, price) SELECT i, 'item ' || i, i % 1000, i * 0.5 FROM n;"
}
fill "$r/seed.db" "$rows"
cat >"$r/hand.sql" <<'SQL'
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE items_new (
    id INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR(32) NOT NULL,
    qty BIGINT NOT NULL,
    price DOUBLE PRECISION NOT NULL
);
INSERT INTO items_new (id, name, qty, price) SELECT id, name, qty, price FROM items;
DROP TABLE items;
ALTER TABLE items_new RENAME TO items;
CREATE INDEX ix_items_name ON items (name);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
SQL
# Interleaved (rebuild, hand, rebuild, ...) so that a change of load hits
# both; each run starts from a fresh copy of the seed, flushed to disk
# before the clock starts.
ta=() tb=()
for ((i = 0; i < repeat; i++)); do
	cp "$r/seed.db" "$r/a.db" && sync "$r/a.db"
	t0=${EPOCHREALTIME/[.,]/}; "$r/dbupdate" "sqlite:$r/a.db" >/dev/null 2>&1; t1=${EPOCHREALTIME/[.,]/}; ta+=($((t1 - t0)))
	cp "$r/seed.db" "$r/b.db" && sync "$r/b.db"
	t0=${EPOCHREALTIME/[.,]/}; sqlite3 "$r/b.db" <"$r/hand.sql" >/dev/null; t1=${EPOCHREALTIME/[.,]/}; tb+=($((t1 - t0)))
done
a=$(printf '%s\n' "${ta[@]}" | median "$repeat")
b=$(printf '%s\n' "${tb[@]}" | median "$repeat")
echo "   rebuild of a $rows-row table (column type change): dbupdate ${a} ms, hand-written SQL in sqlite3 CLI ${b} ms (medians of $repeat, interleaved), ratio $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2fx", a / b }')"
echo "   (each run: $(printf '%s ' "${ta[@]}")us dbupdate; $(printf '%s ' "${tb[@]}")us CLI)"
cp "$r/seed.db" "$r/a.db"
rss_big=$(/usr/bin/time -f %M "$r/dbupdate" "sqlite:$r/a.db" 2>&1 >/dev/null | tail -1)
fill "$r/small.db" $((rows / 10))
rss_small=$(/usr/bin/time -f %M "$r/dbupdate" "sqlite:$r/small.db" 2>&1 >/dev/null | tail -1)
echo "   dbupdate peak RSS: $((rss_small / 1024)) MiB at $((rows / 10)) rows, $((rss_big / 1024)) MiB at $rows rows"
fi
