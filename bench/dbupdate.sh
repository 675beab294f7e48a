#!/usr/bin/env bash
# Issue 4 benchmarks, each against the physical limit in the same run:
#   1. dbupdate on an up-to-date SQLite database with 200 migrations applied
#      (wall time, process start included; the limit is `sqlite3 DB 'SELECT 1'`).
#   2. applying the migrations of 1000 tables to an empty database, against
#      the same SQL (`dbupdate --sql`) run by the sqlite3 CLI and by psql.
#   3. a SQLite rebuild of a 1,000,000-row table, against the hand-written
#      rebuild SQL in the sqlite3 CLI; dbupdate's peak RSS at 100k and 1M rows.
#
# usage: bench/dbupdate.sh [BUILD_DIR]     (REPEAT=n, ROWS=n to change sizes)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build/bench}
repeat=${REPEAT:-5}
rows=${ROWS:-1000000}

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
	printf '#include <modelgen/dbupdate.h>\nextern const struct mg_registry modelgen_registry;\nint main(int argc, char **argv) { return mg_cli_main(argc, argv, &modelgen_registry); }\n' >"$dir/main.c"
	ls "$dir"/generated/migrations/*.c "$dir/generated/registry.c" "$dir/main.c" |
		xargs -P "$(nproc)" -I{} sh -c 'cc -O2 -c -I "$0" "$1" -o "$2/obj/$(basename "$1" .c).o"' \
			"$root/runtime/include" {} "$dir"
	cc -o "$dir/dbupdate" "$dir"/obj/*.o "$build/runtime/libmodelgen.a" \
		$(pkg-config --libs sqlite3)
}

ms() { echo $((($(date +%s%N) - $1) / 1000)); }
median() { sort -n | awk -v n="$1" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'; }
timed() { # median ms of REPEAT runs of "$@" (stdout discarded)
	local t0 i v=()
	for ((i = 0; i < repeat; i++)); do
		t0=$(date +%s%N); "$@" >/dev/null; v+=($(ms "$t0"))
	done
	printf '%s\n' "${v[@]}" | median "$repeat"
}

echo "## dbupdate benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo

# 1. 200 migrations, one new table each.
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
up=$(repeat=21 timed "$h/dbupdate" "sqlite:$h/app.db")
cli=$(repeat=21 timed sqlite3 "$h/app.db" "SELECT count(*) FROM modelgen_migrations")
echo "1. up-to-date database, 200 migrations applied: dbupdate ${up} ms wall (median of 21, process start included); sqlite3 CLI reading the bookkeeping: ${cli} ms"
echo

# 2. 1000 tables on an empty database.
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
echo "2. 1000 tables, empty SQLite database: dbupdate ${a} ms, sqlite3 CLI on \`dbupdate --sql\` in one transaction ${b} ms, ratio $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')x"

pgdir=$(mktemp -d /tmp/pgtest.bench.XXXXXX)
rmdir "$pgdir"
url=$(sh tools/pg.sh start "$pgdir" 54377)
burl=${url/\/postgres\?//bench?}
reset_pg() { psql -q -X "$url" -c 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench' >/dev/null; }
reset_pg
"$t/dbupdate" --sql "$burl" >"$t/create_pg.sql"
# The reset (a new database) is outside the timed part.
pg_timed() { # median ms of REPEAT runs of "$@" on a new database
	local t0 i v=()
	for ((i = 0; i < repeat; i++)); do
		reset_pg
		t0=$(date +%s%N); "$@" >/dev/null; v+=($(ms "$t0"))
	done
	printf '%s\n' "${v[@]}" | median "$repeat"
}
a=$(pg_timed "$t/dbupdate" -q "$burl")
b=$(pg_timed psql -q -X -v ON_ERROR_STOP=1 --single-transaction "$burl" -f "$t/create_pg.sql")
echo "   1000 tables, empty PostgreSQL database: dbupdate ${a} ms, psql --single-transaction on \`dbupdate --sql\` ${b} ms, ratio $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')x"
echo

# 3. Rebuild of a big table: a column type change (SQLite cannot ALTER it).
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
run_rebuild() { cp "$r/seed.db" "$r/a.db"; "$r/dbupdate" "sqlite:$r/a.db" 2>/dev/null; }
run_hand() { cp "$r/seed.db" "$r/b.db"; sqlite3 "$r/b.db" <"$r/hand.sql"; }
copy_only() { cp "$r/seed.db" "$r/c.db"; }
a=$(timed run_rebuild)
b=$(timed run_hand)
c=$(timed copy_only)
echo "3. rebuild of a $rows-row table (column type change): dbupdate ${a} ms, hand-written SQL in sqlite3 CLI ${b} ms, ratio $(awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN { printf "%.2fx (%.2fx without the %.0f ms file copy both include)", a / b, (a - c) / (b - c), c }')"
cp "$r/seed.db" "$r/a.db"
rss_big=$(/usr/bin/time -f %M "$r/dbupdate" "sqlite:$r/a.db" 2>&1 >/dev/null | tail -1)
fill "$r/small.db" $((rows / 10))
rss_small=$(/usr/bin/time -f %M "$r/dbupdate" "sqlite:$r/small.db" 2>&1 >/dev/null | tail -1)
echo "   dbupdate peak RSS: $((rss_small / 1024)) MiB at $((rows / 10)) rows, $((rss_big / 1024)) MiB at $rows rows"
