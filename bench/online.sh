#!/usr/bin/env bash
# Issue 13 §5: the longest writer transaction while a migration runs on a
# busy PostgreSQL table, dbupdate's safe forms against the naive SQL (the
# control), each operation on its own.
#
# A throw-away PostgreSQL server (tools/pg.sh, log_lock_waits on), a table
# `big` of ROWS rows (default 5,000,000) and a parent table for the foreign
# key; pgbench writers (4 clients) update random rows of big through the
# whole window, logging every transaction (-l). For each operation:
#   control: the naive SQL in one transaction, rolled back after (the state
#            stays for dbupdate);
#   dbupdate: the migration modelgen diff wrote for it (dbupdate --to N).
# Reported per run: the operation's wall time and the longest latency of a
# writer transaction that overlapped it (from pgbench's per-transaction log).
# Operations: add an index, add a unique index, add a foreign key, set NOT
# NULL with NULLs to fill, drop an index (with a 3 s reader holding the
# table, as a long report would: the naive DROP INDEX queues every writer
# behind it). CHECK constraints are not in the model language, so "add a
# CHECK" is not measured. Then an idle transaction holding the table while
# dbupdate adds a column: the readers' longest wait, --max-lock-wait.
#
# usage: bench/online.sh [--rows N] [--window S] [BUILD_DIR]
#        (BUILD_DIR: a build with gen/modelgen and runtime/libmodelgen.a;
#        default build/bench, configured Release when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rows=5000000 window=40 build=build/bench
while [ $# -gt 0 ]; do
	case $1 in
	--rows) rows=$2; shift 2 ;;
	--window) window=$2; shift 2 ;;
	*) build=$1; shift ;;
	esac
done
if [ ! -x "$build/gen/modelgen" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMG_TESTS=OFF >/dev/null
	cmake --build "$build" -j"$(nproc)" >/dev/null
fi
build=$(cd "$build" && pwd)
modelgen=$build/gen/modelgen
work=$(mktemp -d /tmp/mg-online-bench.XXXXXX)
pgdir=$work/pgtest
cleanup() {
	sh "$root/tools/pg.sh" stop "$pgdir" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"

url=$(sh "$root/tools/pg.sh" start "$pgdir" "${MG_PG_PORT:-54390}")
host=$pgdir port=${MG_PG_PORT:-54390}
psql -XAtq "$url" -c "ALTER SYSTEM SET log_lock_waits = on" \
	-c "ALTER SYSTEM SET deadlock_timeout = '200ms'" -c "SELECT pg_reload_conf()" >/dev/null
q() { psql -XAtq -v ON_ERROR_STOP=1 "$url" -c "$1"; }

# The project: models and a history, one migration per operation.
proj=$work/proj
mkdir -p "$proj/models"
cat >"$proj/models/parent.h" <<'EOF'
#include <stdint.h>
#include <modelgen/model.h>
struct MG_TABLE("parent") parent {
	int64_t id MG_PRIMARY_KEY;
	char *name;
};
EOF
cat >"$proj/models/big.h" <<'EOF'
#include <stdint.h>
#include <modelgen/model.h>
struct MG_TABLE("big") big {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id;
	int64_t val;
	int64_t code;
	char *note MG_NULLABLE;
};
EOF
edit() { sed -i "s/$1/$2/" "$proj/models/big.h"; (cd "$proj" && "$modelgen" diff -m "$3" >/dev/null); }
(cd "$proj" && "$modelgen" diff -m init >/dev/null)
edit 'int64_t val;' 'int64_t val MG_INDEX;' "add index"
edit 'int64_t code;' 'int64_t code MG_UNIQUE;' "add unique"
edit 'int64_t parent_id;' 'int64_t parent_id MG_REFERENCES("parent", "id");' "add foreign key"
edit 'char \*note MG_NULLABLE;' "char *note MG_DEFAULT(\"''\");" "set not null"
edit 'int64_t val MG_INDEX;' 'int64_t val;' "drop index"
edit 'char \*note MG_DEFAULT' 'int64_t extra MG_DEFAULT("0");\n\tchar *note MG_DEFAULT' "add column"
mkdir -p "$proj/obj"
cp "$root/tools/dbupdate/main.c" "$proj/main.c"
for f in "$proj"/generated/migrations/*.c "$proj/generated/registry.c" "$proj/main.c"; do
	cc -O2 -c -I "$root/runtime/include" "$f" -o "$proj/obj/$(basename "$f" .c).o"
done
cc -o "$proj/dbupdate" "$proj"/obj/*.o "$build/runtime/libmodelgen.a" $(pkg-config --libs sqlite3) -ldl -lpthread
dbupdate=$proj/dbupdate

# The data.
"$dbupdate" -q --to 1 "$url"
q "INSERT INTO parent (id, name) SELECT i, 'p' || i FROM generate_series(1, 1000) i" >/dev/null
t0=$EPOCHREALTIME
q "INSERT INTO big (id, parent_id, val, code, note)
   SELECT i, 1 + i % 1000, (i::bigint * 7919) % 100000, i,
          CASE WHEN i % 10 = 0 THEN NULL ELSE 'n' || i END
   FROM generate_series(1, $rows) i" >/dev/null
q "SELECT setval(pg_get_serial_sequence('big', 'id'), $rows)" >/dev/null
q "VACUUM ANALYZE big" >/dev/null
echo "$(date -u +%FT%TZ) rows=$rows, filled in $(echo "$EPOCHREALTIME - $t0" | bc) s; $(nproc) cores; $(uptime | sed 's/.*load average: /load /')"
cat >"$work/update.sql" <<EOF
\set id random(1, $rows)
UPDATE big SET val = val + 1 WHERE id = :id;
EOF

# measure NAME CMD...: runs CMD while pgbench writes; prints the wall time
# and the longest writer latency overlapping it.
measure() {
	local name=$1
	shift
	rm -f "$work"/pgbench_log.*
	(cd "$work" && pgbench -n -h "$host" -p "$port" -U postgres -c 4 -j 2 -T "$window" \
		-f update.sql -l --log-prefix=pgbench_log postgres >"$work/pgbench.out" 2>&1) &
	local bench=$!
	sleep 3
	local s=$EPOCHREALTIME
	"$@" >"$work/op.out" 2>&1 || echo "  ($name: exit $?: $(tail -1 "$work/op.out"))"
	local e=$EPOCHREALTIME
	wait $bench || true
	ls "$work"/pgbench_log.* >/dev/null 2>&1 || { echo "pgbench failed: $(cat "$work/pgbench.out")"; exit 1; }
	awk -v s="$s" -v e="$e" '{
		end = $5 + $6 / 1e6; lat = $3 / 1e6; st = end - lat
		if (end >= s && st <= e && lat > max) max = lat
		n++
	} END { printf "%-28s %8.2f s   longest writer %7.0f ms   (%d writer transactions in %s s)\n",
		name, e - s, max * 1000, n, win }' name="$name" win="$window" "$work"/pgbench_log.*
	if [ "$(awk -v s="$s" '$5 + $6 / 1e6 > 0 { last = $5 } END { print last }' "$work"/pgbench_log.*)" \
		\< "${e%.*}" ]; then
		echo "  (the window of $window s ended before the operation: use --window)"
	fi
}
naive() { psql -XAtq -v ON_ERROR_STOP=1 "$url" -c "SET lock_timeout = 0" -c "BEGIN" -c "$1" -c "ROLLBACK"; }
reader() { psql -XAtq "$url" -c "SELECT count(*), pg_sleep(3) FROM (SELECT 1 FROM big LIMIT 1) s" >/dev/null & }

echo "operation                    wall          longest writer latency during it"
n=1
for op in index unique fk notnull dropindex; do
	n=$((n + 1))
	case $op in
	index) sql="CREATE INDEX naive_val ON big (val)" ;;
	unique) sql="CREATE UNIQUE INDEX naive_code ON big (code)" ;;
	fk) sql="ALTER TABLE big ADD CONSTRAINT naive_fk FOREIGN KEY (parent_id) REFERENCES parent (id)" ;;
	notnull) sql="UPDATE big SET note = '' WHERE note IS NULL; ALTER TABLE big ALTER COLUMN note SET NOT NULL" ;;
	dropindex) sql="DROP INDEX ix_big_val" ;;
	esac
	if [ $op = dropindex ]; then
		measure "$op: control" sh -c "$(declare -f reader naive); url='$url'; reader; sleep 0.3; naive \"$sql\""
		sleep 3
		measure "$op: dbupdate" sh -c "$(declare -f reader); url='$url'; reader; sleep 0.3; '$dbupdate' -q --to $n '$url'"
	else
		measure "$op: control" naive "$sql"
		measure "$op: dbupdate" "$dbupdate" -q --to $n "$url"
	fi
done
# An idle transaction that has read big (a forgotten psql, a stuck report)
# holds ACCESS SHARE on it while dbupdate adds a column (ACCESS EXCLUSIVE
# for an instant). Readers (pgbench, SELECT by key) queue behind dbupdate's
# lock request only while one attempt waits (lock_timeout, 1 s), not for
# the holder's whole time. First with --max-lock-wait 5: exit 3, nothing
# applied; then with the default budget: done once the holder ends, the
# holder's pid named in its output.
cat >"$work/read.sql" <<EOF
\set id random(1, $rows)
SELECT val FROM big WHERE id = :id;
EOF
holder_s=30
hold() { # hold SECONDS: the idle holder, in the background
	{
		echo "BEGIN; SELECT count(*) FROM (SELECT 1 FROM big LIMIT 1) s; SELECT 'pid', pg_backend_pid();"
		sleep "$1"
		echo "COMMIT;"
	} | psql -XAtq "$url" >"$work/holder.out" &
	sleep 1
}
readers() { # readers SECONDS: the longest read in ms, from pgbench's log
	rm -f "$work"/read_log.*
	(cd "$work" && pgbench -n -h "$host" -p "$port" -U postgres -c 2 -j 2 -T "$1" \
		-f read.sql -l --log-prefix=read_log postgres >"$work/read.out" 2>&1)
	awk '{ if ($3 > max) max = $3 } END { printf "%.0f", max / 1000 }' "$work"/read_log.*
}
n=$((n + 1))
before=$(q "SELECT max(number) FROM modelgen_migrations")
hold 12
s=$EPOCHREALTIME
rc=0
"$dbupdate" --max-lock-wait 5 --to $n "$url" >"$work/short.out" 2>&1 || rc=$?
e=$EPOCHREALTIME
hpid=$(sed -n 's/^pid|//p' "$work/holder.out")
echo "add column, idle holder (pid $hpid), --max-lock-wait 5: exit $rc after $(echo "$e - $s" | bc | cut -c1-5) s;" \
	"migrations $before -> $(q "SELECT max(number) FROM modelgen_migrations");" \
	"column added: $(q "SELECT count(*) FROM information_schema.columns WHERE table_name = 'big' AND column_name = 'extra'");" \
	"lines naming the holder: $(grep -c "$hpid" "$work/short.out")"
wait
hold $holder_s
s=$EPOCHREALTIME
"$dbupdate" --to $n "$url" >"$work/long.out" 2>&1 &
dbu=$!
longest=$(readers $((holder_s + 3)))
rc=0
wait $dbu || rc=$?
e=$EPOCHREALTIME
wait
hpid=$(sed -n 's/^pid|//p' "$work/holder.out")
echo "add column, idle holder (pid $hpid) for $holder_s s: dbupdate exit $rc after $(echo "$e - $s" | bc | cut -c1-5) s;" \
	"longest reader $longest ms; lines naming the holder: $(grep -c "$hpid" "$work/long.out");" \
	"migrations: $(q "SELECT max(number) FROM modelgen_migrations")"
grep -m1 "$hpid" "$work/long.out" | cut -c1-240

q "SELECT 'invalid indexes: ' || count(*) FROM pg_index WHERE NOT indisvalid"
q "SELECT 'migrations: ' || max(number) FROM modelgen_migrations"
echo "lock waits logged: $(grep -c 'still waiting for' "$pgdir/server.log" || true)"
